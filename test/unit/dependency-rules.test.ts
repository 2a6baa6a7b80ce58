import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/cli-process.js';

/** The import rules of src/ (.dependency-cruiser.cjs): one direction along the pipeline, no cycles. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function cruise(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('import rules', () => {
  it('src/ imports only along the pipeline, with no cycle and no devDependency', () => {
    const { status, output } = cruise(ROOT);

    expect(output).toContain('no dependency violations found');
    expect(status, output).toBe(0);
  });

  it('catch an upward import and a cycle (a scenario module importing the CLI, which imports it back)', () => {
    const temp = makeTempDir('grpc-bench-import-rules-');
    try {
      mkdirSync(join(temp.dir, 'src/scenario'), { recursive: true });
      mkdirSync(join(temp.dir, 'src/cli'), { recursive: true });
      writeFileSync(join(temp.dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true } }));
      writeFileSync(join(temp.dir, 'package.json'), JSON.stringify({ name: 'import-rules-fixture', type: 'module' }));
      writeFileSync(join(temp.dir, 'src/scenario/schema.ts'), "import { run } from '../cli/main.js';\nexport const schema = (): unknown => run;\n");
      writeFileSync(join(temp.dir, 'src/cli/main.ts'), "import { schema } from '../scenario/schema.js';\nexport const run = (): unknown => schema;\n");

      const { status, output } = cruise(temp.dir);

      expect(status, output).not.toBe(0);
      expect(output).toMatch(/no-upward-from-scenario: src\/scenario\/schema\.ts → src\/cli\/main\.ts/);
      expect(output).toMatch(/no-circular/);
    } finally {
      temp.remove();
    }
  });
});
