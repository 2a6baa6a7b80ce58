import { dirname, resolve } from 'node:path';
import { BenchError } from '../errors/bench-error.js';
import type { DeepPartial } from '../scenario/load-scenario.js';
import { parseDurationMs } from '../scenario/parse-duration.js';
import type { ScenarioInput } from '../scenario/scenario-schema.js';
import { showValue } from '../scenario/format-issues.js';
import { translateGhzTemplates } from '../scenario/translate-ghz-templates.js';
import type { GhzRunInfo } from '../report/report.js';
import { ghzFormat } from './ghz-formats.js';
import { LOAD_BALANCING_POLICIES, type LoadBalancingPolicy } from '../types/load-balancing.js';
import { ghzOptionsEcho } from './ghz-options-echo.js';
import type { GhzOptions } from './ghz-flag-table.js';
import { ghzScheduleToStages, mergeStages, type GhzSchedule } from './ghz-schedules.js';
import { requestData, requestMetadata, stringMap, type GhzInput } from './ghz-call-data.js';

export type { GhzInput } from './ghz-call-data.js';

/** What `grpc-bench ghz` runs: the scenario overrides and what only the front-end needs. */
export interface GhzPlan {
  /** The scenario, in the shape loadScenario lays over an empty file. */
  overrides: DeepPartial<ScenarioInput>;
  /** grpc-bench reporter names (ghz's names translated). */
  formats: string[];
  /** The report file; none: standard output, as ghz. */
  outputPath?: string;
  connectTimeoutMs: number;
  /** `--duration-stop close` or `ignore` with -z: calls in flight at the end are cancelled at once (0); absent: the usual drain. */
  drainTimeoutMs?: number;
  exitZeroOnErrors: boolean;
  /** What ghz's report formats show beyond the figures (Report.ghz). */
  report: GhzRunInfo;
  /** -b (standard input) or -B (a file, absolute): serialized request messages, decoded by the command once the method is known. */
  binary?: { file?: string };
  /** One line each: flags accepted that do nothing here, or that ghz itself ignores. */
  warnings: string[];
  /**
   * Request messages of a client-streaming or bidi call (--stream-call-count, or the data list);
   * absent when one data message and --stream-call-duration leave them open. The rates in `overrides` are ghz's calls/s until
   * ghzRatesForKind makes them messages/s for the method's kind.
   */
  messagesPerCall?: number;
}

/**
 * Where ghz's counts land on the scenario: -n is load.calls (RPCs; the engine ends a bidi or
 * client-streaming call after the data's messages, as ghz does); --stream-call-count is
 * stream.messages.
 */
function callLoad(calls: number | undefined, messagesPerCall: number | undefined): { load: Record<string, unknown>; stream: Record<string, unknown> } {
  return {
    load: calls === undefined ? {} : { calls },
    stream: messagesPerCall === undefined ? {} : { messages: messagesPerCall },
  };
}

/** The last value when a flag was given twice (yargs gives an array; ghz keeps the last). */
function last<T>(value: T | T[]): T {
  return Array.isArray(value) ? value[value.length - 1]! : value;
}

function durationText(flag: string, value: unknown): string | undefined {
  if (value === undefined || value === '' || value === 0 || value === '0') return undefined;
  const text = String(value);
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new BenchError('USAGE', `--${flag}: expected a duration such as "10s" or "500ms", got ${showValue(text)}`);
  return ms === 0 ? undefined : text;
}

const TLS_FLAGS = ['cacert', 'cert', 'key', 'cname', 'skipTLS'] as const;

/**
 * ghz's settings (flags over config over ghz's defaults) → the one Scenario, as overrides, plus
 * what the ghz front-end needs. The one place that decides what each ghz setting means here.
 * Throws USAGE (or TEMPLATE_INVALID) with one line naming the flag.
 */
export function ghzToOverrides(options: GhzOptions, input: GhzInput): GhzPlan {
  const o = Object.fromEntries(Object.entries(options).map(([key, value]) => [key, last(value)])) as GhzOptions;
  const warnings: string[] = [];
  const call = o.call === undefined ? undefined : String(o.call);
  const names = { call: call ?? '' };
  const templates = !o['disable-template-data'];
  const functions = !o['disable-template-functions'];

  const givenData = requestData(o, input);
  let data = givenData;
  if (data !== undefined && (data === null || typeof data !== 'object')) throw new BenchError('USAGE', `--data: expected a JSON object or an array of objects, got ${showValue(data)}`);
  if (Array.isArray(data) && data.length === 0) throw new BenchError('USAGE', '--data: an empty array has no message to send; give at least one');
  if (data !== undefined && templates) data = translateGhzTemplates(data, names, 'data', functions);
  const messagesInData = Array.isArray(data) ? data.length : 1;

  const givenMetadata = requestMetadata(o, input.cwd);
  let metadata = givenMetadata;
  if (metadata && templates) metadata = translateGhzTemplates(metadata, names, 'metadata', functions);

  // Messages per call: --stream-call-count, else the data list once (ghz's --stream-call-duration only cuts a call
  // short), as the engine sends them (callStreamSettings); one data object with only --stream-call-duration: a call
  // sends until that duration here, so its messages are open.
  const streamCount = typeof o['stream-call-count'] === 'number' && o['stream-call-count'] > 0 ? o['stream-call-count'] : undefined;
  const streamDuration = durationText('stream-call-duration', o['stream-call-duration']);
  const perCall = streamCount ?? (streamDuration === undefined || messagesInData > 1 ? messagesInData : undefined);

  const durationZ = durationText('duration', o.duration);
  const maxDuration = durationText('max-duration', o['max-duration']);
  const calls = durationZ === undefined ? Number(o.total ?? 200) : undefined;

  // --load-* in calls/s as ghz gives them (see messagesPerCall).
  const schedule = (family: 'load' | 'concurrency'): GhzSchedule => {
    const number = (key: string): number | undefined => (typeof o[key as keyof GhzOptions] === 'number' ? (o[key as keyof GhzOptions] as number) : undefined);
    return {
      schedule: String(o[`${family}-schedule`] ?? 'const'),
      start: number(`${family}-start`),
      end: number(`${family}-end`),
      step: number(`${family}-step`),
      stepDuration: durationText(`${family}-step-duration`, o[`${family}-step-duration`]),
      maxDuration: durationText(`${family}-max-duration`, o[`${family}-max-duration`]),
    };
  };
  const stages = mergeStages(
    ghzScheduleToStages('--load', schedule('load'), true),
    ghzScheduleToStages('--concurrency', schedule('concurrency'), true),
  );
  const rps = typeof o.rps === 'number' && o.rps > 0 ? o.rps : undefined;
  if (perCall === undefined && (rps !== undefined || stages.rate !== undefined)) {
    warnings.push('--rps or --load-* with --stream-call-duration and one data message: a client-streaming or bidi call sends until --stream-call-duration here, so the rate is request messages/s, not calls/s (--stream-call-count sets the messages of a call)');
  }
  if (o.async && rps === undefined && !stages.stages) warnings.push('--async without --rps: calls in flight stay at -c here (ghz sends without waiting)');

  const { load: countLoad, stream: countStream } = callLoad(calls, streamCount);
  // A schedule's stages would end the run at their total; -n (or -x) ends it as in ghz.
  const runFor = durationZ ?? maxDuration ?? (stages.stages ? '24h' : undefined);
  const concurrency = Number(o.concurrency ?? 50);
  const connections = Number(o.connections ?? 1);
  const load = {
    ...countLoad,
    // ghz leaves the first N results out of its report: here the first N calls, each worker its part.
    ...(typeof o.skipFirst === 'number' && o.skipFirst > 0 ? { skipCalls: o.skipFirst } : {}),
    streams: stages.streams ?? concurrency,
    connections,
    ...(runFor === undefined ? {} : { duration: runFor }),
    ...(rps === undefined && stages.rate === undefined ? {} : { rate: stages.rate ?? rps }),
    ...(stages.stages ? { stages: stages.stages } : {}),
    ...(typeof o.cpus === 'number' && o.cpus > 0 ? { workers: Math.min(o.cpus, connections) } : {}),
  };
  const timeout = durationText('timeout', o.timeout ?? '20s');
  const stream = {
    ...countStream,
    ...(streamDuration === undefined ? {} : { duration: streamDuration }),
    ...(durationText('stream-interval', o['stream-interval']) === undefined ? {} : { interval: o['stream-interval'] }),
    ...(timeout === undefined ? {} : { timeout }),
  };

  const insecure = Boolean(o.insecure);
  const tlsGiven = TLS_FLAGS.filter((flag) => o[flag] !== undefined && o[flag] !== '' && o[flag] !== false);
  if (insecure && tlsGiven.length) warnings.push(`--insecure: plaintext; ${tlsGiven.map((f) => `--${f}`).join(', ')} ignored, as ghz ignores them`);
  const tls = !insecure && tlsGiven.length
    ? {
        ...(o.cacert ? { cacert: String(o.cacert) } : {}),
        ...(o.cert ? { cert: String(o.cert) } : {}),
        ...(o.key ? { key: String(o.key) } : {}),
        ...(o.cname ? { serverName: String(o.cname) } : {}),
        ...(o.skipTLS ? { skipVerify: true } : {}),
      }
    : undefined;

  const proto = o.proto === undefined || o.proto === '' ? undefined : resolve(input.cwd, String(o.proto));
  // ghz: --proto wins over --protoset.
  const protoset = proto === undefined && o.protoset !== undefined && o.protoset !== '' ? resolve(input.cwd, String(o.protoset)) : undefined;
  const binaryFile = o['binary-file'] === undefined || o['binary-file'] === '' ? undefined : resolve(input.cwd, String(o['binary-file']));
  const binary = givenData === undefined && (o.binary === true || binaryFile !== undefined) ? { ...(binaryFile === undefined ? {} : { file: binaryFile }) } : undefined;
  const listed = Array.isArray(o['import-paths']) ? o['import-paths'].map(String) : typeof o['import-paths'] === 'string' ? o['import-paths'].split(',') : [];
  // ghz adds the working directory and the proto's own directory to the import paths.
  const importPaths = [...new Set([...listed.filter(Boolean).map((dir) => resolve(input.cwd, dir)), input.cwd, ...(proto ? [dirname(proto)] : [])])];

  const lbStrategy = o['lb-strategy'] === undefined || o['lb-strategy'] === '' ? undefined : String(o['lb-strategy']);
  if (lbStrategy !== undefined && !(LOAD_BALANCING_POLICIES as readonly string[]).includes(lbStrategy)) {
    throw new BenchError('USAGE', `--lb-strategy: expected ${LOAD_BALANCING_POLICIES.join(' or ')}, got ${showValue(lbStrategy)}`);
  }
  // ghz's default, close, ends -z at once: calls in flight are cancelled (and left out, as ghz's ignore does).
  const durationStop = String(o['duration-stop'] ?? 'close').toLowerCase();
  const cutAtDuration = durationZ !== undefined && durationStop !== 'wait';

  const host = String(o.host ?? '').replace(/^(grpc|dns):\/{2,3}/, '');
  if (!host) throw new BenchError('USAGE', 'ghz: name the target host:port (the last argument, or host in the --config file)');
  const format = ghzFormat(String(o.format ?? 'summary'));
  const name = typeof o.name === 'string' && o.name !== '' ? o.name.replace(/[^\w.-]+/g, '-') : undefined;
  return {
    overrides: {
      target: host,
      ...(name === undefined ? {} : { name }),
      ...(call === undefined ? {} : { call }),
      ...(proto === undefined ? {} : { proto }),
      ...(protoset === undefined ? {} : { protoset }),
      importPaths,
      insecure,
      ...(o.transport === undefined ? {} : { transport: String(o.transport) as 'grpc-js' | 'http2' }),
      ...(tls ? { tls } : {}),
      ...(o.authority ? { authority: String(o.authority) } : {}),
      ...(o['enable-compression'] ? { compression: 'gzip' as const } : {}),
      ...(o['reflect-metadata'] === undefined ? {} : { reflectionMetadata: stringMap('reflect-metadata', o['reflect-metadata'], true) }),
      ...(lbStrategy === undefined ? {} : { loadBalancing: lbStrategy as LoadBalancingPolicy }),
      ...(durationText('keepalive', o.keepalive) === undefined ? {} : { keepalive: String(o.keepalive) }),
      ...(o['max-send-message-size'] === undefined || o['max-send-message-size'] === '' ? {} : { maxSendMessageSize: String(o['max-send-message-size']) }),
      maxReceiveMessageSize: o['max-recv-message-size'] === undefined ? 2 ** 31 - 1 : String(o['max-recv-message-size']),
      ...(metadata ? { metadata } : {}),
      ...(data === undefined ? {} : { data: data as Record<string, unknown> }),
      load,
      stream,
      output: { formats: [format], ...(o.debug === undefined || o.debug === '' ? {} : { debugLog: resolve(input.cwd, String(o.debug)) }) },
    } as DeepPartial<ScenarioInput>,
    formats: [format],
    ...(o.output === undefined || o.output === '' ? {} : { outputPath: resolve(input.cwd, String(o.output)) }),
    connectTimeoutMs: parseDurationMs(durationText('connect-timeout', o['connect-timeout'] ?? '10s') ?? '10s')!,
    ...(cutAtDuration ? { drainTimeoutMs: 0 } : {}),
    exitZeroOnErrors: Boolean(o['exit-zero-on-errors']),
    ...(binary ? { binary } : {}),
    report: {
      options: ghzOptionsEcho({ ...o, host }, { data: givenData, ...(givenMetadata ? { metadata: givenMetadata } : {}), importPaths }),
      ...(o.tags === undefined ? {} : { tags: stringMap('tags', o.tags, false) }),
      ...(calls === undefined ? {} : { callsPlanned: calls }),
    },
    warnings,
    ...(perCall === undefined ? {} : { messagesPerCall: perCall }),
  };
}
