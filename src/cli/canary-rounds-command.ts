import { join, resolve } from 'node:path';
import { compareReports } from '../compare/compare-reports.js';
import { parseTolerances } from '../compare/parse-tolerances.js';
import { BenchError } from '../errors/bench-error.js';
import { claimReportDir } from '../reporters/claim-report-dir.js';
import { renderComparisonConsole } from '../reporters/comparison-console.js';
import { renderComparisonMarkdown } from '../reporters/comparison-markdown.js';
import { describeComparison } from '../reporters/described-comparison.js';
import { renderComparisonHtml } from '../reporters/html/comparison-html.js';
import { jsonReporter } from '../reporters/json-reporter.js';
import { ensureWritableDir } from '../reporters/ensure-writable-dir.js';
import { writeFileAtomic } from '../reporters/write-file-atomic.js';
import { redactMetadata } from '../redact/redact-metadata.js';
import { runInterleaved } from '../run/run-interleaved.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { CliIo } from './cli-io.js';
import { workerProbeLine } from './progress-display.js';

/** "candidate 127.0.0.1:50051 with x-user-group: internal-testers": sides may share an address and differ by a routing header. */
function sideLabel(side: string, target: string, metadata: Record<string, string> | undefined): string {
  const entries = Object.entries(redactMetadata(metadata ?? {}));
  return entries.length ? `${side} ${target} with ${entries.map(([key, value]) => `${key}: ${value}`).join(', ')}` : `${side} ${target}`;
}

/**
 * `grpc-bench run` with `compare: {baseline, candidate, rounds}`: interleaved rounds A B A B …,
 * one comparison judged like `grpc-bench compare`, written beside both sides' merged reports.
 */
export async function canaryRoundsCommand(scenario: Scenario, io: CliIo, signal: AbortSignal): Promise<number> {
  const plan = scenario.compare!;
  const maxRegression = plan.maxRegression === undefined ? {} : parseTolerances(plan.maxRegression);
  const dir = scenario.output.path === undefined ? claimReportDir(resolve(io.cwd, 'reports'), scenario.name, new Date()) : resolve(io.cwd, scenario.output.path);
  if (scenario.output.path !== undefined) ensureWritableDir(dir, 'output');
  const outcome = await runInterleaved(scenario, {
    signal,
    onWorkerProbe: (probe) => io.stderr(workerProbeLine(probe)),
    onRoundDone: (side, report, round) => {
      const which = round === 0 ? 'warm-up round (not judged)' : `round ${round}/${plan.rounds}`;
      io.stderr(`${which} ${side}: ${report.throughput.messagesPerSec} msg/s, P99 ${report.latencyMs.p99} ms\n`);
    },
  });
  // The merged sides carry their rounds: the judge takes one value per side per round and tests
  // the rounds' ratios, exactly as `grpc-bench compare` does on baseline.json and candidate.json.
  const comparison = describeComparison(compareReports(outcome.baseline, outcome.candidate, { maxRegression }));
  const labels = { baseline: sideLabel('baseline', plan.baseline, plan.baselineMetadata), candidate: sideLabel('candidate', plan.candidate, plan.candidateMetadata) };
  const files: Array<[string, string]> = [
    ['baseline.json', jsonReporter.render(outcome.baseline)],
    ['candidate.json', jsonReporter.render(outcome.candidate)],
    ['comparison.json', `${JSON.stringify(comparison, null, 2)}\n`],
    ['comparison.md', renderComparisonMarkdown(comparison, labels)],
    ['comparison.html', renderComparisonHtml(outcome.baseline, outcome.candidate, comparison)],
  ];
  for (const [name, text] of files) writeFileAtomic(join(dir, name), text);
  io.stdout(renderComparisonConsole(comparison, labels));
  io.stderr(`comparison written: ${join(dir, 'comparison.json')} (+ .md, .html, baseline.json, candidate.json)\n`);
  if (outcome.interrupted) throw new BenchError('INTERRUPTED', `compare: interrupted after ${outcome.rounds.length} round(s); judged what was run`);
  if (comparison.verdict === 'fail') throw new BenchError('REGRESSION_DETECTED', `compare: ${comparison.headline}`);
  if (comparison.verdict === 'inconclusive') io.stderr(`compare: ${comparison.headline} (inconclusive: exit 0)\n`);
  return 0;
}
