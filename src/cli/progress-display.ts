import cliProgress from 'cli-progress';
import type { LiveFlowStatus } from '../report/live-flow-status.js';
import type { LiveStatus } from '../report/live-status.js';
import type { Report } from '../report/report.js';
import type { PlannedLoad } from '../plan/run-plan.js';
import type { WorkerProbe } from '../plan/choose-worker-count.js';
import { count, rate } from '../reporters/format-units.js';

export interface ProgressDisplay {
  update(status: LiveStatus): void;
  /** Ends the display; given the report, its last line shows the report's figures (those of the summary). */
  stop(report?: Report): void;
}

const STATUS_LINE_EVERY_MS = 5000;

/** What a progress line shows of a flow: the live running totals, or the report's. */
type FlowProgress = Pick<LiveFlowStatus, 'runsCompleted' | 'checks'>;

/** The flow runs completed and the first check's pass rate (once it has judged anything). */
function flowFields(flow: FlowProgress): string[] {
  const [name, check] = Object.entries(flow.checks)[0] ?? [];
  const rate = check?.rate === undefined ? [] : [`${name} ${(check.rate * 100).toFixed(1)}% passed`];
  return [`${flow.runsCompleted} flow runs done`, ...rate];
}

/** The figures a progress line shows, already formatted, most telling first. */
function fields(status: Pick<LiveStatus, 'messagesPerSec' | 'p99Ms' | 'messagesReceived' | 'errors' | 'activeStreams'> & { flow?: FlowProgress | undefined }, messagesPerSec: string): string[] {
  const flow = status.flow ? flowFields(status.flow) : [];
  // A flow's runs and first check say more of it than the awaits' matches counted as received: before them.
  return [`${messagesPerSec} msg/s`, `P99 ${status.p99Ms.toFixed(3)} ms`, ...flow, `${status.messagesReceived} received`, `${status.errors} errors`, `${status.activeStreams} streams`];
}

const describe = (status: LiveStatus): string => fields(status, `${Math.round(status.messagesPerSec)}`).join(', ');

/** As many fields as fit in `width` columns, whole, in order; the first cut short with "…" when even it does not fit. */
export function fitFields(items: readonly string[], width: number): string {
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (next.length > width) break;
    line = next;
  }
  if (line || width <= 0) return line;
  return width === 1 ? '…' : `${items[0]!.slice(0, width - 1)}…`;
}

/** The report's figures as a progress line's: the summary's messages/s, P99 over the run, totals. */
function finalFields(report: Report): string[] {
  const { counts } = report;
  return fields({ messagesPerSec: report.throughput.messagesPerSec, p99Ms: report.latencyMs.p99, messagesReceived: counts.messagesReceived, errors: counts.errors, activeStreams: 0, flow: report.flow }, rate(report.throughput.messagesPerSec));
}

/**
 * Progress on stderr, so stdout stays clean for the summary: a bar on a terminal, fitted to its
 * width (`columns`) so that it never wraps, otherwise one status line every few seconds (CI logs).
 */
export function createProgressDisplay(load: Pick<PlannedLoad, 'durationMs' | 'messages'>, isTTY: boolean, write: (text: string) => void, columns = 80): ProgressDisplay {
  const byTime = load.durationMs !== undefined;
  const total = byTime ? Math.round(load.durationMs! / 1000) : load.messages!;
  if (!isTTY) {
    let lastLineAtMs = 0;
    return {
      update(status) {
        if (status.elapsedMs - lastLineAtMs < STATUS_LINE_EVERY_MS) return;
        lastLineAtMs = status.elapsedMs;
        write(`[${(status.elapsedMs / 1000).toFixed(0)}s] ${describe(status)}\n`);
      },
      stop() {},
    };
  }
  const unit = byTime ? 's' : 'msgs';
  // The bar shrinks first, to 10; the status gets what is left of the line, one column spare for the cursor.
  const barsize = Math.max(10, Math.min(40, columns - 90));
  const fixed = barsize + ` 100% | ${total}/${total} ${unit} | `.length + 1;
  const fit = (items: string[]): string => fitFields(items, columns - fixed);
  const bar = new cliProgress.SingleBar(
    { format: `{bar} {percentage}% | {value}/{total} ${unit} | {status}`, hideCursor: true, stream: process.stderr, barsize },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    update(status) {
      const value = byTime ? Math.min(Math.floor(status.elapsedMs / 1000), total) : Math.min(status.messagesSent, total);
      bar.update(value, { status: fit(fields(status, `${Math.round(status.messagesPerSec)}`)) });
    },
    stop(report) {
      if (report) bar.update(byTime ? total : Math.min(report.counts.messagesSent, total), { status: fit(finalFields(report)) });
      bar.stop();
    },
  };
}

/** One line per probe of `load.workers: auto`, before the load starts. */
export function workerProbeLine(probe: WorkerProbe): string {
  return `workers auto: probe with ${probe.workers} worker(s): ${count(probe.messagesPerSec)} msg/s, workers busy ${(probe.workerUtilization * 100).toFixed(0)}%\n`;
}
