import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import { liveFailureLine, thresholdsFailedMessage } from '../compare/evaluate-thresholds.js';
import { planOutput, type OutputPlan } from '../reporters/plan-output.js';
import type { Report } from '../report/report.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { renderConsoleSummary } from '../reporters/console-reporter.js';
import { writeReports } from '../reporters/write-reports.js';
import { runScenario, type RunOptions } from '../run/run-scenario.js';
import { startLiveDashboard, type LiveDashboard } from '../dashboard/live-dashboard.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { RunJournal } from '../journal/run-journal.js';
import { DebugLog } from '../journal/debug-log.js';
import { appendRunHistory, checkHistoryDir } from './append-run-history.js';
import { canaryRoundsCommand } from './canary-rounds-command.js';
import type { CliIo } from './cli-io.js';
import { createProgressDisplay, workerProbeLine, type ProgressDisplay } from './progress-display.js';
import { flagsToOverrides } from './flags-to-overrides.js';
import type { RunFlags } from './run-flags.js';

/** A positional is the scenario file when it looks like one; otherwise it is the target. */
function splitPositionals(positionals: string[], cwd: string): { file?: string; target?: string } {
  const result: { file?: string; target?: string } = {};
  for (const value of positionals) {
    const path = resolve(cwd, value);
    const looksLikeFile = /\.ya?ml$/i.test(value) || (existsSync(path) && statSync(path).isFile());
    if (looksLikeFile && result.file === undefined) result.file = value;
    else if (result.target === undefined) result.target = value;
    else throw new BenchError('USAGE', `run: unexpected argument "${value}"; expected [scenario.yaml] [host:port]`);
  }
  return result;
}

/** GRPC_BENCH_START_AT stands in for --start-at (one value for every pod of a Job); the flag wins. */
function withStartAtEnv(flags: RunFlags): RunFlags {
  const fromEnv = process.env['GRPC_BENCH_START_AT'];
  return flags['start-at'] === undefined && fromEnv ? { ...flags, 'start-at': fromEnv } : flags;
}

/**
 * `grpc-bench run`: scenario → checks → load → report files. Returns the exit code; the
 * report is written even when the run was interrupted or a worker crashed.
 *
 * Signals (SIGINT, SIGTERM) are handled from the start until the reports are written, so that
 * none ends the process halfway: before the load one ends the run at once (INTERRUPTED, no
 * report); during it the first stops sending and drains, the second stops waiting for the drain
 * and writes the report from the workers' last interval snapshots.
 */
export async function runCommand(positionals: string[], flags: RunFlags, io: CliIo): Promise<number> {
  return runLoadedScenario(() => {
    const { file, target } = splitPositionals(positionals, io.cwd);
    return loadScenario({ ...(file === undefined ? {} : { file }), overrides: flagsToOverrides(withStartAtEnv(flags), target, io.cwd), cwd: io.cwd });
  }, io);
}

/** How a front-end other than `run` (`ghz`) shapes the same pipeline. */
export interface RunFrontEnd {
  /** How long to wait for the first connection, ms (default 5 s). */
  connectTimeoutMs?: number;
  /** How long calls in flight when sending stops may take to finish before they are cancelled, ms (default 5 s). */
  drainTimeoutMs?: number;
  /** The output plan instead of the scenario's `output` section. */
  planOutput?: (scenario: Scenario) => OutputPlan;
  /** Adds what the front-end's report formats need to the finished report. */
  finishReport?: (report: Report) => Report;
  /** ghz prints only its report: no console summary on stderr, and no "report written" line for standard output. */
  quiet?: boolean;
  /** true: a run in which no call succeeded exits 0 (ghz's behaviour); the report says what failed. */
  exitZeroOnFailedCalls?: boolean;
  /** The scenario adjusted once the method's kind is known (RunOptions.scenarioForKind). */
  scenarioForKind?: RunOptions['scenarioForKind'];
}

/**
 * The run pipeline after the scenario is known: `load` builds it (inside the signal handling,
 * so that its errors end the run as any other), then checks → load → report files.
 */
export async function runLoadedScenario(load: () => Scenario, io: CliIo, frontEnd: RunFrontEnd = {}): Promise<number> {
  const controller = new AbortController();
  const force = new AbortController();
  let loadStarted = false;
  let signals = 0;
  // Up from before the load until the reports are written (or the run fails).
  let dashboard: LiveDashboard | undefined;
  const unsubscribe = io.onSignal((signal) => {
    signals += 1;
    if (signals === 1) {
      if (loadStarted) io.stderr(`\n${signal}: stopping, draining in-flight requests, then writing the partial report (${signal} again: do not wait for the drain)\n`);
      controller.abort();
    } else if (signals === 2 && loadStarted) {
      io.stderr(`\n${signal} again: not waiting for the drain; writing the partial report from the last interval snapshots, then exiting 130\n`);
      force.abort();
    }
  });
  try {
    const scenario = load();
    checkHistoryDir(scenario.output.history, io.cwd);
    if (scenario.compare) {
      if (scenario.output.history !== undefined) io.stderr('warning: --history (output.history) records single runs, not canary comparisons; this comparison is not recorded\n');
      if (scenario.output.debugLog !== undefined) io.stderr('warning: --debug-log (output.debugLog) logs single runs, not canary comparisons; no debug log is written\n');
      if (scenario.monitor.dashboardPort !== undefined) io.stderr('warning: --dashboard (monitor.dashboardPort) is not available for canary comparisons; running without it\n');
      return await canaryRoundsCommand(scenario, io, controller.signal);
    }
    const output = frontEnd.planOutput?.(scenario) ?? planOutput(scenario.output.formats, scenario.output.path, scenario.name, io.cwd);
    // Opened (and so checked) before any load, as the report path is.
    const debugLog = scenario.output.debugLog === undefined ? undefined : DebugLog.open(resolve(io.cwd, scenario.output.debugLog), (message) => io.stderr(`warning: ${message}\n`));
    if (scenario.monitor.dashboardPort !== undefined) {
      dashboard = await startLiveDashboard(scenario.name, scenario.monitor.dashboardPort).catch((error: Error) => {
        throw new BenchError('SERVER_START_FAILED', `dashboard: port ${scenario.monitor.dashboardPort}: ${error.message}`);
      });
      io.stderr(`dashboard: ${dashboard.url}\n`);
    }

    // Created when the load starts, so that lines printed before it (probes) precede the bar.
    let progress: ProgressDisplay | undefined;
    let journal: RunJournal | undefined;
    let loadTarget = '';
    let outcome;
    try {
      outcome = await runScenario(scenario, {
        signal: controller.signal,
        ...(frontEnd.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: frontEnd.connectTimeoutMs }),
        ...(frontEnd.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: frontEnd.drainTimeoutMs }),
        ...(frontEnd.scenarioForKind === undefined ? {} : { scenarioForKind: frontEnd.scenarioForKind }),
        forceSignal: force.signal,
        onLoadStart: (start) => {
          loadStarted = true;
          dashboard?.loadStarted(start.workerIds.length, start.snapshotIntervalMs);
          progress = createProgressDisplay(start.plan.load, io.stderrIsTTY, io.stderr, io.stderrColumns);
          if (output.journal) journal = RunJournal.start(output.journal, start, (message) => io.stderr(`warning: ${message}\n`));
          debugLog?.runStart(start);
          loadTarget = start.target;
        },
        onSnapshot: (snapshot) => {
          journal?.append(snapshot);
          debugLog?.interval(snapshot, loadTarget);
          dashboard?.addSnapshot(snapshot);
        },
        onProgress: (status) => progress?.update(status),
        onThresholdAbort: (failure) => io.stderr(`\n${liveFailureLine(failure)}\n`),
        onMetricsUrl: (url) => io.stderr(`live metrics: ${url}\n`),
        onWorkerProbe: (probe) => io.stderr(workerProbeLine(probe)),
      });
    } catch (error) {
      // A run that cannot produce a report leaves no journal either; a bug's run keeps it.
      if (error instanceof BenchError) journal?.discard();
      throw error;
    } finally {
      if (outcome === undefined) progress?.stop();
      journal?.close();
      if (outcome === undefined) debugLog?.close();
    }
    const { partialCode } = outcome;
    const report = frontEnd.finishReport?.(outcome.report) ?? outcome.report;
    debugLog?.runEnd(report);
    debugLog?.close();
    // The last progress line shows the report's figures, so it agrees with the summary.
    progress?.stop(report);
    const written = writeReports(report, output, io.stdout);
    // The terminal always gets the summary; stdout keeps only the formats asked for.
    if (!output.console && !frontEnd.quiet) io.stderr(renderConsoleSummary(report));
    // Kept only while the reports are not all written: then it is all that is left of the run.
    journal?.discard();
    for (const path of written) if (!frontEnd.quiet || !path.startsWith('/dev/')) io.stderr(`report written: ${path}\n`);
    appendRunHistory(report, scenario.output, io);
    dashboard?.finish(report);
    if (report.generator.saturated) {
      io.stderr(`warning: the load generator was saturated; latencies include its own queueing (${report.generator.evidence[0]})\n`);
    }
    const targetRate = report.generator.targetRate;
    if (targetRate && !targetRate.reached) io.stderr(`warning: ${targetRate.summary}\n`);

    if (partialCode) throw new BenchError(partialCode, `run ended early: ${report.partialReason ?? partialCode}; partial report written`);
    if (report.thresholds && !report.thresholds.passed) throw new BenchError('THRESHOLDS_FAILED', thresholdsFailedMessage(report.thresholds));
    if (report.counts.messagesReceived === 0 && report.counts.messagesSent > 0 && !frontEnd.exitZeroOnFailedCalls) {
      throw new BenchError('ALL_REQUESTS_FAILED', `no response succeeded: ${report.counts.messagesSent} requests sent, ${report.counts.errors} errors (see the report)`);
    }
    return 0;
  } finally {
    unsubscribe();
    if (dashboard) {
      await dashboard.close();
      io.stderr(`dashboard closed: ${dashboard.url}\n`);
    }
  }
}
