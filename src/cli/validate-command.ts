import { callKindWords } from '../types/call-kind.js';
import { relative, resolve } from 'node:path';
import { ensureWritableDir } from '../reporters/ensure-writable-dir.js';
import { planOutput } from '../reporters/plan-output.js';
import { checkHeaderListSize, DEFAULT_HEADER_LIST_LIMIT_BYTES } from '../run/check-header-list-size.js';
import { checkScenario, type CheckedScenario } from '../run/check-scenario.js';
import { requestMetadataSets } from '../run/request-metadata-sets.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { planScenario } from '../plan/plan-scenario.js';
import { formatDurationMs } from '../scenario/parse-duration.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { checkHistoryDir } from './append-run-history.js';
import { DebugLog } from '../journal/debug-log.js';
import type { CliIo } from './cli-io.js';
import { flagsToOverrides } from './flags-to-overrides.js';
import type { RunFlags } from './run-flags.js';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** One line about what the scenario would do: call, target, load, thresholds. */
export function describeScenario(scenario: Scenario, checked: CheckedScenario, cwd: string): string {
  const { load } = planScenario(scenario);
  const parts = [checked.method && checked.method.kind !== 'bidi' ? `${checked.call} (${callKindWords(checked.method.kind)})` : checked.call];
  if (checked.method && scenario.proto !== undefined && checked.protoPath !== undefined) parts.push(`proto ${relative(cwd, checked.protoPath) || checked.protoPath}`);
  if (checked.tls) parts.push('TLS files read');
  parts.push(scenario.compare ? `baseline ${scenario.compare.baseline} vs candidate ${scenario.compare.candidate}, ${plural(scenario.compare.rounds, 'round')}` : `target ${scenario.target}`);
  parts.push(`${plural(load.streams, 'stream')} over ${plural(load.connections, 'connection')}`);
  parts.push(load.chooseWorkers ? `workers chosen by probes (up to ${load.workers})` : plural(load.workers, 'worker'));
  if (load.durationMs !== undefined) parts.push(formatDurationMs(load.durationMs));
  if (load.messages !== undefined) parts.push(plural(load.messages, 'message'));
  if (load.calls !== undefined) parts.push(plural(load.calls, 'call'));
  if (load.rateSchedule) parts.push(load.rateSchedule.stages.length > 1 ? 'rate schedule' : `${load.rateSchedule.initial} msg/s`);
  if (load.warmupMs > 0) parts.push(`warm-up ${formatDurationMs(load.warmupMs)}`);
  if (scenario.thresholds.length) parts.push(plural(scenario.thresholds.length, 'threshold'));
  if (scenario.flow) {
    const thresholds = scenario.flow.thresholds.length ? ` and ${plural(scenario.flow.thresholds.length, 'flow threshold')}` : '';
    parts.push(`a flow of ${plural(scenario.flow.steps.length, 'step')}${thresholds}, run by each stream`);
  }
  if (!checked.method) parts.push('the method and data are checked against server reflection at run time');
  return parts.join(', ');
}

/**
 * `grpc-bench validate <scenario.yaml>`: every check `run` makes before sending load — the
 * schema and thresholds, the output path, the proto, method, data and templates — but no
 * connection. Prints one line and returns 0 when all pass; otherwise throws the BenchError
 * `run` would have ended with. Creates nothing on disk.
 */
export function validateCommand(file: string | undefined, target: string | undefined, flags: RunFlags, io: CliIo): number {
  const scenario = loadScenario({ ...(file === undefined ? {} : { file }), overrides: flagsToOverrides(flags, target, io.cwd), cwd: io.cwd });
  if (scenario.compare) {
    // A canary run writes its comparison into one directory, whatever its name looks like.
    ensureWritableDir(resolve(io.cwd, scenario.output.path ?? 'reports'), 'output', false);
  } else {
    planOutput(scenario.output.formats, scenario.output.path, scenario.name, io.cwd, new Date(), false);
    checkHistoryDir(scenario.output.history, io.cwd);
    if (scenario.output.debugLog !== undefined) DebugLog.check(resolve(io.cwd, scenario.output.debugLog));
  }
  const checked = checkScenario(scenario);
  // No connection here: the server's own header-list limit is checked by `run` once connected.
  const authority = scenario.tls?.serverName ?? [scenario.compare?.baseline ?? '', scenario.compare?.candidate ?? '', scenario.target].sort((a, b) => b.length - a.length)[0]!;
  checkHeaderListSize(requestMetadataSets(scenario, true), checked.call, authority, { bytes: DEFAULT_HEADER_LIST_LIMIT_BYTES, source: 'default' }, scenario.sourceFile);
  io.stdout(`${file ?? 'flags'}: valid (${describeScenario(scenario, checked, io.cwd)})\n`);
  return 0;
}
