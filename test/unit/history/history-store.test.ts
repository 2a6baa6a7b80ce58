import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendRecord } from '../../../src/history/append-record.js';
import { readHistory } from '../../../src/history/read-history.js';
import { recordFromReport } from '../../../src/history/record-from-report.js';
import type { Report } from '../../../src/report/report.js';
import { decodeHistogram } from '../../../src/stats/latency-histogram.js';
import { latencySpread, syntheticReport } from '../../helpers/synthetic-report.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const report = (startedAt: string, centerMs = 2): Report => syntheticReport([{ latenciesMs: latencySpread(centerMs) }, { latenciesMs: latencySpread(centerMs), errors: 2 }], { name: 'nightly', startedAt });

describe('a run record', () => {
  it("keeps the run's whole-run values, per-interval samples, encoded histogram, tags (sorted) and settings", () => {
    const r = report('2026-12-01T02:00:00.000Z');
    const record = recordFromReport({ ...r, target: 'http://user:secret@example.com:9464/metrics' }, { commit: 'abc', branch: 'main' }, new Date('2026-12-01T03:00:00Z'));
    expect(Object.keys(record.tags)).toEqual(['branch', 'commit']);
    expect(record.target).not.toContain('secret');
    expect(record.series).toHaveLength(1);
    const [series] = record.series;
    expect(series!.metrics.p99).toBe(r.latencyMs.p99);
    expect(series!.metrics.messagesPerSec).toBe(r.throughput.messagesPerSec);
    expect(series!.metrics.errorRate).toBeCloseTo((r.counts.errors / r.counts.messagesSent) * 100, 10);
    expect(series!.metrics.targetMemoryGrowth).toBeNull();
    expect(series!.intervals.map((i) => i.errors)).toEqual([0, 2]);
    expect(decodeHistogram(series!.histogram).totalCount).toBe(decodeHistogram(r.histogram).totalCount);
    expect(record.settings).toEqual(r.settings);
  });

  it('gives each version of a split run its own series, with latency and rate, errors and memory left null', () => {
    const r = report('2026-12-01T02:00:00.000Z');
    const side = { messagesReceived: 100, share: 0.5, latencyMs: r.latencyMs, intervals: [], histogram: r.histogram };
    const record = recordFromReport({ ...r, versions: { v2: side, v1: { ...side, messagesReceived: 300 } } }, {}, new Date());
    expect(record.series.map((s) => s.version)).toEqual(['v1', 'v2']);
    expect(record.series[0]!.metrics.messagesPerSec).toBeCloseTo((300 * 1000) / r.durationMs, 6);
    expect(record.series[1]!.metrics.errorRate).toBeNull();
  });
});

describe('the history directory', () => {
  it('appends one file per run and reads them back; the same run appended again is not added twice', () => {
    const first = appendRecord(dir, recordFromReport(report('2026-12-01T02:00:00.000Z'), { commit: 'a' }, new Date()));
    const second = appendRecord(dir, recordFromReport(report('2026-12-02T02:00:00.000Z'), { commit: 'b' }, new Date()));
    expect(first.duplicate || second.duplicate).toBe(false);
    expect(appendRecord(dir, recordFromReport(report('2026-12-01T02:00:00.000Z'), { commit: 'a' }, new Date())).duplicate).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([first.path, second.path].map((p) => p.slice(dir.length + 1)).sort());
    expect(readdirSync(dir)[0]).toMatch(/^20261201T020000Z-nightly-[0-9a-f]{16}\.json$/);
    const { records, skipped } = readHistory(dir);
    expect(skipped).toEqual([]);
    expect(records.map((r) => r.tags['commit'])).toEqual(['a', 'b']);
  });

  it('skips a corrupt or foreign record file with its reason, and ignores files being written', () => {
    appendRecord(dir, recordFromReport(report('2026-12-01T02:00:00.000Z'), {}, new Date()));
    const [good] = readdirSync(dir);
    writeFileSync(join(dir, 'truncated.json'), readFileSync(join(dir, good!), 'utf8').slice(0, 100));
    writeFileSync(join(dir, 'other.json'), '{"kind":"something else"}');
    writeFileSync(join(dir, '.20261203T000000Z-nightly-0123456789abcdef.json.123.abc.tmp'), '{');
    writeFileSync(join(dir, 'README.md'), '# history');
    const { records, skipped } = readHistory(dir);
    expect(records).toHaveLength(1);
    expect(skipped).toEqual([
      { file: join(dir, 'other.json'), reason: expect.stringMatching(/^not a grpc-bench run record: kind: /) },
      { file: join(dir, 'truncated.json'), reason: expect.stringMatching(/^not JSON/) },
    ]);
  });

  it('names a missing directory or a file given as one (HISTORY_INVALID)', () => {
    expect(() => readHistory(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'HISTORY_INVALID', message: expect.stringContaining('no such directory') }));
    writeFileSync(join(dir, 'file'), '');
    expect(() => readHistory(join(dir, 'file'))).toThrow(expect.objectContaining({ code: 'HISTORY_INVALID', message: expect.stringContaining('not a directory') }));
    expect(() => appendRecord(join(dir, 'file'), recordFromReport(report('2026-12-01T02:00:00.000Z'), {}, new Date()))).toThrow(expect.objectContaining({ code: 'HISTORY_UNWRITABLE' }));
  });
});
