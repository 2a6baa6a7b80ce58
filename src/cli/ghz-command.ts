import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { planOutput } from '../reporters/plan-output.js';
import { loadScenario } from '../scenario/load-scenario.js';
import type { CliIo } from './cli-io.js';
import { readGhzConfigFile } from './ghz-config-file.js';
import { GHZ_FLAG_GROUPS, GHZ_FLAG_TABLE, type GhzFlagSpec, type GhzOptions } from './ghz-flag-table.js';
import { ghzToOverrides, type GhzPlan } from './ghz-to-overrides.js';
import { ghzRatesForKind } from './ghz-rates-for-kind.js';
import { BenchError } from '../errors/bench-error.js';
import { decodeBinaryRequests } from '../driver/decode-binary-requests.js';
import { checkScenario } from '../run/check-scenario.js';
import { runLoadedScenario } from './run-command.js';

/** ghz's flags as yargs options: no yargs defaults (a config file fills what flags leave), ghz's default shown. */
export function addGhzOptions<T>(y: Argv<T>): Argv<T> {
  const table: readonly GhzFlagSpec[] = GHZ_FLAG_TABLE;
  for (const spec of table) {
    y = y.option(spec.flag, {
      type: spec.type,
      describe: spec.describe,
      ...(spec.short === undefined ? {} : { alias: spec.short }),
      ...(spec.default === undefined ? {} : { defaultDescription: String(spec.default) }),
    });
  }
  for (const group of GHZ_FLAG_GROUPS) y = y.group(table.filter((spec) => spec.group === group).map((spec) => spec.flag), `${group}:`);
  return y;
}

/** The ghz settings given as flags, by ghz's names (yargs also sets aliases and camelCase twins: only the names are read). */
function givenFlags(args: Record<string, unknown>): GhzOptions {
  const given: Record<string, unknown> = {};
  for (const spec of GHZ_FLAG_TABLE) if (args[spec.flag] !== undefined) given[spec.flag] = args[spec.flag];
  return given as GhzOptions;
}

/** -b/-B: the serialized messages as request data, decoded with the request type of the proto or protoset. */
function binaryRequestData(plan: GhzPlan, io: CliIo): Array<Record<string, unknown>> {
  const source = plan.binary?.file ?? 'standard input (-b)';
  let bytes: Buffer;
  try {
    bytes = plan.binary?.file === undefined ? (io.readStdin ?? (() => readFileSync(0)))() : readFileSync(plan.binary.file);
  } catch (error) {
    throw new BenchError('USAGE', `-B/--binary-file: cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const { method } = checkScenario(loadScenario({ overrides: plan.overrides, cwd: io.cwd }));
  if (!method) throw new BenchError('USAGE', '-b/-B: binary call data needs --proto or --protoset to decode it (server reflection comes too late here)');
  return decodeBinaryRequests(bytes, method, source);
}

/**
 * `grpc-bench ghz [flags] [host]`: ghz's command line and config files, mapped onto one
 * scenario (ghzToOverrides) and run by the same pipeline as `run`; the report in ghz's format
 * on stdout, or in the file of -o.
 */
export async function ghzCommand(args: Record<string, unknown>, io: CliIo): Promise<number> {
  const flags = givenFlags(args);
  const config = typeof flags.config === 'string' && flags.config !== '' ? readGhzConfigFile(flags.config, io.cwd) : {};
  const host = typeof args['host'] === 'string' ? args['host'] : config.host;
  const options: GhzOptions = { ...config, ...flags, ...(host === undefined ? {} : { host }) };
  const plan = ghzToOverrides(options, { cwd: io.cwd, readStdin: io.readStdin ?? (() => readFileSync(0)) });
  for (const warning of plan.warnings) io.stderr(`warning: ${warning}\n`);
  if (plan.binary) plan.overrides = { ...plan.overrides, data: binaryRequestData(plan, io) };
  return runLoadedScenario(() => loadScenario({ overrides: plan.overrides, cwd: io.cwd }), io, {
    connectTimeoutMs: plan.connectTimeoutMs,
    ...(plan.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: plan.drainTimeoutMs }),
    // ghz prints its report on stdout unless -o names a file.
    planOutput: (scenario) => planOutput(plan.formats, plan.outputPath ?? '/dev/stdout', scenario.name, io.cwd),
    finishReport: (report) => ({ ...report, ghz: plan.report }),
    quiet: true,
    exitZeroOnFailedCalls: plan.exitZeroOnErrors,
    scenarioForKind: (scenario, kind) => ghzRatesForKind(scenario, kind, plan.messagesPerCall),
  });
}
