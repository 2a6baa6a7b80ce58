import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { RunJournal } from '../../src/journal/run-journal.js';
import { emptyCounters } from '../../src/types/worker-protocol.js';
import { planScenario } from '../../src/plan/plan-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import { collectExit, linesOf, makeTempDir, runCli, spawnCli, type CliResult } from '../helpers/cli-process.js';
import { intervalSnapshot } from '../helpers/interval-snapshot.js';
import { waitUntil } from '../helpers/wait-for.js';

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const temp = makeTempDir('grpc-bench-report-');
  cleanups.push(temp.remove);
  return temp.dir;
}

function expectOneErrorLine(result: CliResult, code: string, exit: number): string {
  expect(result.code, result.stderr).toBe(exit);
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^grpc-bench: .*\\[${code}\\]$`));
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

interface JournalLine {
  type?: string;
  workerId: number;
  index: number;
  counters: Record<string, number>;
}

/** The journal's interval lines so far (a last line still being written is left out). */
function journalIntervals(path: string): JournalLine[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return linesOf(complete).map((line) => JSON.parse(line) as JournalLine).filter((line) => line.type === 'interval');
}

type Counts = Record<string, number>;

describe('grpc-bench report', () => {
  it('rebuilds a partial report from the journal of a run killed with kill -9 at 3 s of 10 s', { timeout: 60_000 }, async () => {
    const server: OrderServerHandle = await startOrderServer({ port: 0 });
    cleanups.push(() => server.forceShutdown());
    const cwd = tempDir();
    const out = join(cwd, 'out');
    const journalPath = join(out, 'journal.jsonl');
    const child = spawnCli(
      ['run', server.address, '--insecure', '--proto', ORDER_PROTO_PATH, '-z', '10s', '-c', '4', '--connections', '2', '--workers', '2', '-m', '{"authorization":"Bearer s3cret"}', '-O', 'json,html', '-o', 'out'],
      { cwd, timeoutMs: 50_000 },
    );
    const exit = collectExit(child);

    // Three intervals from each of the two workers: 3 s of load.
    await waitUntil(() => {
      const lines = journalIntervals(journalPath);
      return [0, 1].every((worker) => lines.filter((l) => l.workerId === worker).length >= 3) ? true : undefined;
    }, 'three intervals of both workers in the journal', 40_000);
    child.kill('SIGKILL');
    const killed = await exit;
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(out)).toEqual(['journal.jsonl']);
    const journalText = readFileSync(journalPath, 'utf8');
    expect(journalText).not.toContain('s3cret');
    const journalled = journalIntervals(journalPath);

    const result = await runCli(['report', 'out', '-O', 'json,markdown', '-o', 'rebuilt'], { cwd });

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'rebuilt', 'report.json'), 'utf8')) as {
      partial: boolean;
      partialReason: string;
      durationMs: number;
      counts: Counts;
      intervals: Array<{ tMs: number; durationMs: number; messagesSent: number }>;
      settings: { metadata: Record<string, string> };
    };
    expect(report.partial).toBe(true);
    expect(report.partialReason).toMatch(/^rebuilt from the run journal: the run wrote no report/);
    const { messagesSent, messagesReceived, messagesFailed, inFlightAtStop } = report.counts as Counts & { messagesSent: number; messagesReceived: number; messagesFailed: number; inFlightAtStop: number };
    expect(messagesSent).toBe(messagesReceived + messagesFailed + inFlightAtStop);
    // The journal's figures, nothing more, nothing less; the server answered at least what the client saw answered.
    const sum = (key: string): number => journalled.reduce((total, line) => total + line.counters[key]!, 0);
    expect(messagesSent).toBe(sum('messagesSent'));
    expect(messagesReceived).toBe(sum('messagesReceived'));
    expect(messagesReceived).toBeGreaterThan(0);
    expect(server.counters.snapshot().messagesReceived).toBeGreaterThanOrEqual(messagesReceived);
    // The first 2 s at least, from the start: the first interval begins at 0, the last ends at 2 s or later.
    expect(report.durationMs).toBeGreaterThanOrEqual(2000);
    expect(report.intervals[0]!.tMs - report.intervals[0]!.durationMs).toBe(0);
    expect(report.intervals.length).toBeGreaterThanOrEqual(3);
    expect(report.intervals.at(-1)!.tMs).toBeGreaterThanOrEqual(2000);
    expect(report.settings.metadata).toEqual({ authorization: '[redacted]' });
    expect(readFileSync(join(cwd, 'rebuilt', 'report.md'), 'utf8')).toMatch(/partial/i);
  });

  it('renders a saved report.json in other formats, beside it by default, and to the console', { timeout: 30_000 }, async () => {
    const cwd = tempDir();
    const run = await runCli(['run', '-n', '60', '-c', '2', '-O', 'json', '-o', 'run'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(cwd, 'run', 'report.json'), 'utf8')) as { counts: Counts };

    // Both read run/report.json; one writes the other formats beside it (each file whole, by rename).
    const [rendered, shown] = await Promise.all([runCli(['report', 'run/report.json', '-O', 'html,markdown,junit,csv,prometheus,influx'], { cwd }), runCli(['report', 'run'], { cwd })]);

    expect(rendered.code, rendered.stderr).toBe(0);
    expect(readdirSync(join(cwd, 'run')).sort()).toEqual(['report.csv', 'report.html', 'report.json', 'report.lp', 'report.md', 'report.prom', 'report.xml']);
    expect(XMLValidator.validate(readFileSync(join(cwd, 'run', 'report.xml'), 'utf8'))).toBe(true);
    expect(readFileSync(join(cwd, 'run', 'report.html'), 'utf8').trimEnd()).toMatch(/<\/html>$/);
    expect(readFileSync(join(cwd, 'run', 'report.prom'), 'utf8')).toContain('grpc_bench_');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(String(saved.counts['messagesReceived']));
    expect(shown.stderr).toBe('');
  });

  it("rebuilds a single report file's journal into that file, leaving out a last line cut by the kill", { timeout: 30_000 }, async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'out'));
    const journalPath = join(cwd, 'out', 'run.json.journal.jsonl');
    const scenario = loadScenario({ overrides: { name: 'single', load: { streams: 2, connections: 1, workers: 1 } } });
    const journal = RunJournal.start(journalPath, { plan: planScenario(scenario), target: '127.0.0.1:1', protoPath: ORDER_PROTO_PATH, startedAt: new Date(), snapshotIntervalMs: 1000, workerIds: [0] }, () => {});
    for (let index = 0; index < 3; index++) {
      journal.append(intervalSnapshot({ workerId: 0, index, durationMs: 1000, warmup: false, counters: { ...emptyCounters(), messagesSent: 10, messagesReceived: 10 } }));
    }
    journal.close();
    const text = readFileSync(journalPath, 'utf8');
    writeFileSync(journalPath, text.slice(0, text.length - 30));

    const result = await runCli(['report', 'out/run.json.journal.jsonl'], { cwd });

    expect(result.code, result.stderr).toBe(0);
    expect(linesOf(result.stderr)).toEqual([
      'report: warning: out/run.json.journal.jsonl: line 4 is cut short (the run was killed while writing it); left out',
      `report written: ${join(cwd, 'out', 'run.json')}`,
    ]);
    const report = JSON.parse(readFileSync(join(cwd, 'out', 'run.json'), 'utf8')) as { name: string; counts: Counts; partialReason: string };
    expect(report.name).toBe('single');
    expect(report.counts['messagesSent']).toBe(20);
    expect(report.partialReason).toContain('line 4, cut short, left out');
    expect(result.stdout).toContain('single');
  });

  it('bad inputs: one line naming the file and the problem, exit 3 (REPORT_INVALID) or 2 (USAGE)', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'empty'));
    writeFileSync(join(cwd, 'not-a-report.json'), '{"name":"x"}\n');
    writeFileSync(join(cwd, 'scenario.yaml'), 'name: x\n');
    // A journal whose header line the run was killed in the middle of.
    writeFileSync(join(cwd, 'cut.jsonl'), '{"journal":"grpc-bench","journalVersion":1,"toolVersion":"0.1.0","scen');

    // Independent processes, each reading its own file: started side by side.
    const [missing, empty, notAReport, scenario, cut, pdf] = await Promise.all(
      [['missing.json'], ['empty'], ['not-a-report.json'], ['scenario.yaml'], ['cut.jsonl'], ['cut.jsonl', '-O', 'pdf']].map((args) => runCli(['report', ...args], { cwd })),
    );
    expect(expectOneErrorLine(missing, 'REPORT_INVALID', 3)).toContain('missing.json: no such file or directory');
    expect(expectOneErrorLine(empty, 'REPORT_INVALID', 3)).toContain('empty: no report.json and no run journal (journal.jsonl) in this directory');
    expect(expectOneErrorLine(notAReport, 'REPORT_INVALID', 3)).toContain('not-a-report.json: not a grpc-bench report');
    expect(expectOneErrorLine(scenario, 'REPORT_INVALID', 3)).toContain('scenario.yaml: not valid JSON');
    expect(expectOneErrorLine(cut, 'REPORT_INVALID', 3)).toContain('cut.jsonl: the journal is cut short inside its header (line 1); nothing can be rebuilt from it');
    expect(expectOneErrorLine(pdf, 'USAGE', 2)).toContain('unknown report format "pdf"');
  });

  it('--help lists the report command with its description', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout.replace(/\s+/g, " ")).toContain("grpc-bench report <source> Render a saved report.json in any format, or rebuild the partial report of a killed run from its journal");
  });
});
