import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchemaText } from './scenario-json-schema.js';

/** The package root: the nearest directory above this module (src/ or dist/src/) holding grpc-bench's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'grpc-bench') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json of grpc-bench not found above this module');
    dir = parent;
  }
}

// `npm run schema`: regenerates the committed JSON Schema from the zod schema.
const path = join(packageRoot(), SCENARIO_JSON_SCHEMA_PATH);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, scenarioJsonSchemaText());
process.stdout.write(`written: ${path}\n`);
