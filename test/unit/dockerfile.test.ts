import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** The instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const named = (keyword: string): string[] => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `)).map((line) => line.slice(keyword.length + 1).trim());

// No container engine in the test environment: these check what reading the Dockerfile can.
describe('Dockerfile', () => {
  it('installs with the README quick start step (npm ci from the lock file)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(quickStart).toMatch(/^npm ci && /m);
    const runs = named('RUN').join(' && ').split('&&').map((step) => step.trim());
    expect(runs).toContain('npm ci');
    expect(runs.some((step) => step.startsWith('npm install'))).toBe(false);
    expect(named('COPY').some((args) => args.split(/\s+/).includes('package-lock.json'))).toBe(true);
  });

  it('runs as a user other than root, with grpc-bench as its entrypoint', () => {
    const users = named('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // The USER applies to the final stage: it comes after the last FROM.
    const lastFrom = instructions.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
    expect(instructions.map((line) => line.startsWith('USER ')).lastIndexOf(true)).toBeGreaterThan(lastFrom);
    expect(named('ENTRYPOINT')).toEqual(['["node", "/app/bin/grpc-bench.js"]']);
  });

  it('copies only files that exist in the repository', () => {
    const sources = named('COPY')
      .filter((args) => !args.startsWith('--from='))
      .flatMap((args) => args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it('keeps node_modules, dist and reports out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const path of ['node_modules', 'dist', 'reports']) expect(ignored).toContain(path);
  });
});
