import cliProgress from 'cli-progress';
import type { LiveStatus } from '../report/live-status.js';
import type { PlannedLoad } from '../plan/run-plan.js';
import type { WorkerProbe } from '../plan/choose-worker-count.js';
import { count } from '../reporters/format-units.js';

export interface ProgressDisplay {
  update(status: LiveStatus): void;
  stop(): void;
}

const STATUS_LINE_EVERY_MS = 5000;

function describe(status: LiveStatus): string {
  return `${Math.round(status.messagesPerSec)} msg/s, P99 ${status.p99Ms.toFixed(3)} ms, ${status.messagesReceived} received, ${status.errors} errors, ${status.activeStreams} streams`;
}

/**
 * Progress on stderr, so stdout stays clean for the summary: a bar on a terminal, otherwise
 * one status line every few seconds (CI logs).
 */
export function createProgressDisplay(load: Pick<PlannedLoad, 'durationMs' | 'messages'>, isTTY: boolean, write: (text: string) => void): ProgressDisplay {
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
  const bar = new cliProgress.SingleBar(
    { format: `{bar} {percentage}% | {value}/{total} ${byTime ? 's' : 'msgs'} | {status}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    update(status) {
      const value = byTime ? Math.min(Math.floor(status.elapsedMs / 1000), total) : Math.min(status.messagesSent, total);
      bar.update(value, { status: describe(status) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** One line per probe of `load.workers: auto`, before the load starts. */
export function workerProbeLine(probe: WorkerProbe): string {
  return `workers auto: probe with ${probe.workers} worker(s): ${count(probe.messagesPerSec)} msg/s, workers busy ${(probe.workerUtilization * 100).toFixed(0)}%\n`;
}
