import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimReportDir } from '../../src/reporters/claim-report-dir.js';
import { ensureWritableDir } from '../../src/reporters/ensure-writable-dir.js';

const roots: string[] = [];
function scratch(): string {
  const root = mkdtempSync(join(tmpdir(), 'grpc-bench-claim-'));
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('default report directories', () => {
  const now = new Date('2026-12-04T08:13:10.500Z');

  it('two runs started in the same second get two directories, the second suffixed', () => {
    const parent = join(scratch(), 'reports');
    const first = claimReportDir(parent, 'ok', now);
    writeFileSync(join(first, 'report.json'), '{}');
    const second = claimReportDir(parent, 'ok', now);
    const third = claimReportDir(parent, 'ok', now);
    expect(first).toBe(join(parent, 'ok-2026-12-04T081310'));
    expect(second).toBe(`${first}-2`);
    expect(third).toBe(`${first}-3`);
    expect(readdirSync(first)).toEqual(['report.json']);
    expect(readdirSync(second)).toEqual([]);
  });

  it('a check without creating leaves nothing behind, even while another run fills the parent', () => {
    const parent = join(scratch(), 'reports');
    expect(claimReportDir(parent, 'ok', now, false)).toBe(join(parent, 'ok-2026-12-04T081310'));
    expect(existsSync(parent)).toBe(false);
    // Another run's directory in place: the check still passes and touches none of it.
    const other = claimReportDir(parent, 'ok', now);
    ensureWritableDir(join(parent, 'later', 'deeper'), 'output', false);
    expect(readdirSync(parent)).toEqual([other.slice(parent.length + 1)]);
  });

  it('a level that appeared meanwhile is accepted; a file in the way is not', () => {
    const root = scratch();
    ensureWritableDir(join(root, 'a', 'b'), 'output');
    ensureWritableDir(join(root, 'a', 'b'), 'output');
    writeFileSync(join(root, 'file'), '');
    expect(() => ensureWritableDir(join(root, 'file', 'x'), 'output')).toThrow(/cannot write to .*file\/x/);
  });
});
