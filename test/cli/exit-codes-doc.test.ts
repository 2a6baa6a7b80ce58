import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/errors/error-catalogue.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/**
 * The rows of the first table under "## Exit codes": exit code (first column) → the error
 * codes named in the second column, sorted.
 */
function readmeExitCodes(markdown: string): Map<number, string[]> {
  const lines = markdown.split('\n');
  const heading = lines.findIndex((line) => /^##\s+Exit codes\s*$/i.test(line.trim()));
  if (heading < 0) throw new Error('README.md has no "## Exit codes" section');
  const rows = new Map<number, string[]>();
  for (const line of lines.slice(heading + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    if (!line.trim().startsWith('|')) {
      if (rows.size > 0 && line.trim() !== '') break;
      continue;
    }
    const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((cell) => cell.trim());
    const exitCode = /^`?(\d+)`?$/.exec(cells[0] ?? '');
    if (!exitCode) continue; // the header and the --- separator
    if (rows.has(Number(exitCode[1]))) throw new Error(`README.md lists exit code ${exitCode[1]} twice`);
    const codes = (cells[1] ?? '').match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g) ?? [];
    rows.set(Number(exitCode[1]), [...codes].sort());
  }
  return rows;
}

describe('README exit codes', () => {
  it('README.md exists', () => {
    expect(existsSync(README), 'README.md').toBe(true);
  });

  it('the table lists exactly the exit codes of the error catalogue, each with its error codes', () => {
    const rows = readmeExitCodes(readFileSync(README, 'utf8'));

    expect(rows.has(0), 'a row for exit code 0 (success)').toBe(true);
    const documented = [...rows.entries()].filter(([exitCode]) => exitCode !== 0).sort((a, b) => a[0] - b[0]);
    const expected = EXIT_CODES.map(({ exitCode, codes }) => [exitCode, [...codes].sort()] as [number, string[]]);
    expect(documented).toEqual(expected);
  });
});
