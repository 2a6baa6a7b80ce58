import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { createLatencyHistogram, decodeHistogram, mergeHistograms } from '../../src/stats/latency-histogram.js';
import { summarizeLatency } from '../../src/stats/summarize-latency.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { CHAT_PROTO_PATH, startChatServer, type ChatServerHandle } from '../helpers/chat-server.js';
import { linesOf, makeTempDir, runCli, type CliResult } from '../helpers/cli-process.js';

const COMPILED_CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

beforeAll(() => {
  if (!existsSync(COMPILED_CLI)) throw new Error(`${COMPILED_CLI} is missing: run \`npm run build\` first`);
});

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-segments-');
  cleanups.push(temp.remove);
  return temp.dir;
}

/** Writes the scenario (JSON is valid YAML) into `dir`. */
function writeScenario(dir: string, scenario: Record<string, unknown>): void {
  writeFileSync(join(dir, 'scenario.yaml'), JSON.stringify(scenario, null, 2));
}

/** The segments 1/n … n/n as n concurrent `grpc-bench run` processes, each writing seg-i.json. */
function runSegments(dir: string, count: number): Promise<CliResult[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runCli(['run', '--segment', `${i + 1}/${count}`, 'scenario.yaml', '-O', 'json', '-o', `seg-${i + 1}.json`], { cwd: dir, timeoutMs: 60_000 }),
    ),
  );
}

function readReport(dir: string, file: string): Report {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Report;
}

/** A failed command's last stderr line: `grpc-bench: … [CODE]`, no stack trace. */
function errorLine(result: CliResult, code: string): string {
  const last = linesOf(result.stderr).at(-1)!;
  expect(last).toMatch(/^grpc-bench: /);
  expect(last).toContain(`[${code}]`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return last;
}

describe('segments: one run split over processes, then merged', () => {
  it('three `run --segment i/3` processes against one server merge into the plan of one run, thresholds judged again', async () => {
    const server: OrderServerHandle = await startOrderServer({ port: 0 });
    cleanups.push(() => server.forceShutdown());
    const dir = tempDir();
    writeScenario(dir, {
      name: 'fleet',
      target: server.address,
      insecure: true,
      load: { streams: 9, connections: 3, messages: 540 },
      stream: { messages: 20 },
      // The second fails on purpose, on every segment and on the merged run.
      thresholds: { p99: '<60s', messagesPerSec: '>1000000000' },
    });

    const runs = await runSegments(dir, 3);

    runs.forEach((run, i) => {
      expect(run.signal, `segment ${i + 1} hung and was killed`).toBeNull();
      expect(run.code, run.stderr).toBe(99);
      errorLine(run, 'THRESHOLDS_FAILED');
    });
    const segments = [1, 2, 3].map((i) => readReport(dir, `seg-${i}.json`));
    segments.forEach((segment, i) => {
      expect(segment.segment).toEqual({ index: i + 1, count: 3 });
      expect(segment.settings).toMatchObject({ streams: 3, connections: 1, messages: 180 });
      expect(segment.settings.thresholds).toEqual([
        { metric: 'p99', condition: '<60s', abortOnFail: false },
        { metric: 'messagesPerSec', condition: '>1000000000', abortOnFail: false },
      ]);
      expect(segment.counts).toMatchObject({ messagesSent: 180, messagesReceived: 180, streamsOpened: 9, streamsCompleted: 9 });
      expect(segment.connections.opened).toBe(1);
    });

    const merge = await runCli(['merge', 'seg-1.json', 'seg-2.json', 'seg-3.json', '-o', 'merged.json', '-O', 'json'], { cwd: dir });

    expect(merge.code, merge.stderr).toBe(99);
    const line = errorLine(merge, 'THRESHOLDS_FAILED');
    expect(line).toContain('messagesPerSec');
    expect(merge.stderr).toContain(`report written: ${join(dir, 'merged.json')}`);
    const merged = readReport(dir, 'merged.json');

    // The counts of one run of the whole scenario: 540 messages, 540 / 20 = 27 streams, 3 connections.
    expect(merged.counts).toMatchObject({ messagesSent: 540, messagesReceived: 540, messagesFailed: 0, streamsOpened: 27, streamsCompleted: 27, streamsFailed: 0, errors: 0 });
    expect(merged.connections.opened).toBe(3);
    expect(merged.settings).toMatchObject({ streams: 9, connections: 3, messages: 540 });
    expect(merged.segment).toBeUndefined();
    expect(merged.mergedSegments).toEqual({ count: 3, indexes: [1, 2, 3] });
    expect(merged.partial).toBe(false);

    // Percentiles: exactly those of the three segments' histograms merged by hand.
    const byHand = createLatencyHistogram();
    for (const segment of segments) byHand.add(decodeHistogram(segment.histogram));
    expect(byHand.totalCount).toBe(540);
    expect(merged.latencyMs).toEqual(summarizeLatency(byHand));
    expect(merged.latencyMs).toEqual(summarizeLatency(mergeHistograms(segments.map((s) => s.histogram))));
    const mergedHistogram = decodeHistogram(merged.histogram);
    expect(mergedHistogram.totalCount).toBe(540);
    for (const percentile of [1, 10, 50, 90, 99, 99.9, 100]) {
      expect(mergedHistogram.getValueAtPercentile(percentile)).toBe(byHand.getValueAtPercentile(percentile));
    }

    // Thresholds judged on the merged report, not taken from a segment.
    expect(merged.thresholds?.passed).toBe(false);
    expect(merged.thresholds?.results.map((r) => [r.metric, r.actual, r.pass])).toEqual([
      ['p99', merged.latencyMs.p99, true],
      ['messagesPerSec', merged.throughput.messagesPerSec, false],
    ]);

    // The server saw exactly one run's worth.
    expect(server.counters.snapshot()).toMatchObject({ messagesReceived: 540, messagesSent: 540, streamsOpened: 27, streamsCompleted: 27, connectionsSeen: 3, activeStreams: 0 });
  });

  it('stream and request ids stay unique across segments; merged thresholds that pass exit 0; other calls do not merge', async () => {
    const chat: ChatServerHandle = await startChatServer();
    cleanups.push(() => chat.close());
    const dir = tempDir();
    writeScenario(dir, {
      name: 'chat-fleet',
      target: chat.address,
      insecure: true,
      proto: CHAT_PROTO_PATH,
      call: 'chat.ChatService/Converse',
      data: { room: '{{streamId}}', text: '{{requestId}}' },
      load: { streams: 6, connections: 3, messages: 180 },
      stream: { messages: 10, window: 2, correlateBy: 'msg_id' },
      thresholds: { errors: '==0', p99: '<60s' },
    });

    const runs = await runSegments(dir, 3);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    // 18 streams (180 / 10) and 180 requests over three processes: no id used twice.
    expect(chat.received).toHaveLength(180);
    expect(new Set(chat.received.map((m) => m.msg_id)).size).toBe(180);
    expect(new Set(chat.received.map((m) => m.text)).size).toBe(180);
    expect(new Set(chat.received.map((m) => m.room)).size).toBe(18);
    expect(chat.stats().connectionsSeen).toBe(3);

    // A segment of another run (another call), for the last merge below.
    const orderDir = tempDir();
    const server = await startOrderServer({ port: 0 });
    cleanups.push(() => server.forceShutdown());
    writeScenario(orderDir, { target: server.address, insecure: true, load: { streams: 3, connections: 3, messages: 30 }, segment: '2/3' });

    // Independent processes, each writing its own file: started side by side.
    const [merge, partial, orderRun] = await Promise.all([
      runCli(['merge', 'seg-3.json', 'seg-1.json', 'seg-2.json', '-o', 'merged.json', '-O', 'json'], { cwd: dir }),
      runCli(['merge', 'seg-1.json', 'seg-3.json', '-o', 'partial.json', '-O', 'json'], { cwd: dir }),
      runCli(['run', 'scenario.yaml', '-O', 'json', '-o', join(dir, 'order-seg-2.json')], { cwd: orderDir }),
    ]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = readReport(dir, 'merged.json');
    expect(merged.counts).toMatchObject({ messagesSent: 180, messagesReceived: 180, streamsOpened: 18, errors: 0 });
    expect(merged.thresholds?.passed).toBe(true);

    // Two segments of three: merged with a warning, marked partial.
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toContain('merge: warning: segment 2 of 3 missing');
    expect(readReport(dir, 'partial.json')).toMatchObject({ partial: true, partialReason: 'segment 2 of 3 missing', counts: { messagesSent: 120 } });

    // A segment of another run (another call) is refused with one line, before anything is written.
    expect(orderRun.code, orderRun.stderr).toBe(0);

    const mixed = await runCli(['merge', 'seg-1.json', 'order-seg-2.json', '-o', 'mixed.json', '-O', 'json'], { cwd: dir });
    expect(mixed.code).toBe(2);
    expect(linesOf(mixed.stderr)).toEqual([
      'grpc-bench: merge: order-seg-2.json is a run of pb.OrderService/CreateOrderStream but seg-1.json of chat.ChatService/Converse; only segments of one run merge [USAGE]',
    ]);
    expect(existsSync(join(dir, 'mixed.json'))).toBe(false);
  });

  it('refuses a segment out of range and more segments than connections with one line naming segment', async () => {
    const dir = tempDir();
    const [outOfRange, tooMany] = await Promise.all([
      runCli(['run', '--segment', '4/3', '-c', '9', '--connections', '3', '-n', '90', '-O', 'json'], { cwd: dir }),
      runCli(['run', '--segment', '1/4', '-c', '9', '--connections', '3', '-n', '90', '-O', 'json'], { cwd: dir }),
    ]);
    expect(outOfRange.code).toBe(3);
    expect(linesOf(outOfRange.stderr)).toEqual(['grpc-bench: flags: segment: the segment index must be within 1..3, got "4/3" [SCENARIO_INVALID]']);

    expect(tooMany.code).toBe(3);
    expect(linesOf(tooMany.stderr)).toEqual([
      'grpc-bench: flags: segment: 4 segments need at least 4 connections (one per segment), but load.connections is 3, got "1/4" [SCENARIO_INVALID]',
    ]);
  });
});
