import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/journal/read-journal.js';
import { reportFromJournal } from '../../src/journal/report-from-journal.js';
import { consoleReporter } from '../../src/reporters/console-reporter.js';
import { RunJournal } from '../../src/journal/run-journal.js';
import { emptyCounters, type IntervalSnapshot } from '../../src/types/worker-protocol.js';
import type { LoadStart } from '../../src/run/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatencyUs } from '../../src/stats/latency-histogram.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { makeTempDir } from '../helpers/cli-process.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function journalPath(): string {
  const temp = makeTempDir('grpc-bench-journal-');
  cleanups.push(temp.remove);
  return join(temp.dir, 'journal.jsonl');
}

function loadStart(): LoadStart {
  const scenario = loadScenario({
    overrides: {
      name: 'journalled',
      metadata: { authorization: 'Bearer s3cret', 'x-user-group': 'testers' },
      load: { streams: 4, connections: 2, workers: 2, duration: '10s' },
      thresholds: { p99: '<1s' },
    },
  });
  return { plan: planScenario(scenario), target: 'embedded (127.0.0.1:1)', protoPath: '/p/order.proto', startedAt: new Date('2026-01-02T03:04:05.000Z'), snapshotIntervalMs: 1000, workerIds: [0, 1] };
}

function snapshot(workerId: number, index: number, sent: number, received: number, latenciesUs: number[]): IntervalSnapshot {
  const histogram = createLatencyHistogram({ recording: true });
  for (const us of latenciesUs) recordLatencyUs(histogram, us);
  const counters = { ...emptyCounters(), messagesSent: sent, messagesReceived: received, streamsOpened: index === 0 ? 2 : 0 };
  return intervalSnapshot({ workerId, index, durationMs: 1000, warmup: false, counters, histogram: encodeHistogram(histogram), activeStreams: 2, activeConnections: 1, inFlight: sent - received });
}

const SNAPSHOTS = [snapshot(0, 0, 10, 9, [100, 200]), snapshot(1, 0, 12, 12, [300]), snapshot(0, 1, 8, 8, [400]), snapshot(1, 1, 5, 3, [500, 600, 700])];

function writeJournal(path: string, snapshots = SNAPSHOTS): void {
  const journal = RunJournal.start(path, loadStart(), (message) => {
    throw new Error(message);
  });
  for (const s of snapshots) journal.append(s);
  journal.close();
}

describe('run journal', () => {
  it('is a header line and one JSON line per snapshot, with secret metadata redacted', () => {
    const path = journalPath();
    writeJournal(path);

    const text = readFileSync(path, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + SNAPSHOTS.length);
    expect(text.startsWith('{"journal":"grpc-bench"')).toBe(true);
    expect(text).not.toContain('s3cret');
    expect(JSON.parse(lines[0]!).plan.metadata).toEqual({ authorization: '[redacted]', 'x-user-group': 'testers' });
    expect(JSON.parse(lines[0]!).plan).not.toHaveProperty('data');
  });

  it('rebuilds a partial report whose counts are the snapshots summed and reconcile', async () => {
    const path = journalPath();
    writeJournal(path);

    const report = reportFromJournal(await readJournal(path, 'journal.jsonl'));

    expect(report).toMatchObject({ name: 'journalled', target: 'embedded (127.0.0.1:1)', startedAt: '2026-01-02T03:04:05.000Z', partial: true, durationMs: 2000 });
    expect(report.partialReason).toMatch(/^rebuilt from the run journal: .*4 interval snapshots, 2\.0 s of load/);
    expect(report.counts).toMatchObject({ messagesSent: 35, messagesReceived: 32, inFlightAtStop: 3, streamsOpened: 4, streamsCancelled: 4 });
    const { messagesSent, messagesReceived, messagesFailed, inFlightAtStop } = report.counts;
    expect(messagesSent).toBe(messagesReceived + messagesFailed + inFlightAtStop);
    expect(decodeHistogram(report.histogram).totalCount).toBe(7);
    expect(report.intervals.map((i) => [i.tMs, i.messagesSent])).toEqual([[1000, 22], [2000, 13]]);
    expect(report.settings.metadata['authorization']).toBe('[redacted]');
    expect(report.thresholds?.results.map((r) => [r.metric, r.pass])).toEqual([['p99', true]]);
    expect(report.generator).toMatchObject({ saturated: false, evidence: [expect.stringMatching(/^not known: /)] });
  });

  it('says which figures a journal cannot hold, and the console shows no zeros in their place', async () => {
    const path = journalPath();
    writeJournal(path);

    const report = reportFromJournal(await readJournal(path, 'journal.jsonl'));
    const text = consoleReporter.render(report);

    expect(report.notMeasured).toEqual(['streamStats', 'clientMemory', 'generatorHealth']);
    expect(text).not.toMatch(/time to first response|client RSS: start|process CPU/);
    expect(text).toMatch(/Stream lifecycle:\n  not measured: a run journal does not hold these figures/);
    expect(text).toContain('client RSS: not measured: a run journal does not hold these figures');
  });

  it('leaves out a last line cut short by a kill, and says which', async () => {
    const path = journalPath();
    writeJournal(path);
    const size = readFileSync(path).length;
    truncateSync(path, size - 20);

    const journal = await readJournal(path, 'journal.jsonl');

    expect(journal.cutLine).toBe(5);
    expect(journal.snapshots).toHaveLength(3);
    expect(reportFromJournal(journal).partialReason).toContain('line 5, cut short, left out');
  });

  it('refuses a journal cut inside its header, an empty one, and a bad line in the middle, naming the file and line', async () => {
    const path = journalPath();
    writeJournal(path);
    const text = readFileSync(path, 'utf8');

    writeFileSync(path, text.slice(0, 40));
    await expect(readJournal(path, 'j.jsonl')).rejects.toMatchObject({ code: 'REPORT_INVALID', message: 'j.jsonl: the journal is cut short inside its header (line 1); nothing can be rebuilt from it' });
    writeFileSync(path, '');
    await expect(readJournal(path, 'j.jsonl')).rejects.toMatchObject({ code: 'REPORT_INVALID', message: 'j.jsonl: the journal is empty; nothing can be rebuilt from it' });
    const lines = text.split('\n');
    writeFileSync(path, [lines[0], '{"type":"interval"', lines[1], ''].join('\n'));
    await expect(readJournal(path, 'j.jsonl')).rejects.toMatchObject({ code: 'REPORT_INVALID', message: 'j.jsonl: line 2: not a JSON line; expected a grpc-bench run journal' });
    writeFileSync(path, [lines[0], JSON.stringify({ ...SNAPSHOTS[0], histogram: 'not-a-histogram' }), ''].join('\n'));
    await expect(readJournal(path, 'j.jsonl')).rejects.toMatchObject({ code: 'REPORT_INVALID', message: 'j.jsonl: line 2: histogram: not an HdrHistogram (compressed base64)' });
  });

  it('refuses a path it cannot create with OUTPUT_UNWRITABLE, naming the journal, the path and the errno code', () => {
    const path = join(journalPath(), 'missing-dir', 'journal.jsonl');
    const start = (): RunJournal => RunJournal.start(path, loadStart(), () => {});
    expect(start).toThrow(expect.objectContaining({ code: 'OUTPUT_UNWRITABLE', message: `journal: cannot write ${path}: ENOENT` }));
  });
});
