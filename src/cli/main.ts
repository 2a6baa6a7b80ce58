import yargs from 'yargs';
import { BenchError } from '../errors/bench-error.js';
import { ERROR_CATALOGUE } from '../errors/error-catalogue.js';
import { TOOL_VERSION } from '../tool-version.js';
import { processIo, type CliIo } from './cli-io.js';
import { COMPARISON_FORMATS, compareCommand, type CompareFlags } from './compare-command.js';
import { DEFAULT_MERGE_FORMATS, mergeCommand, type MergeFlags } from './merge-command.js';
import { DEFAULT_REPORT_FORMATS, reportCommand, type ReportFlags } from './report-command.js';
import { DEFAULT_HISTORY_OPTIONS as HISTORY_DEFAULTS } from '../history/analyse-history.js';
import { HISTORY_FORMATS, historyCommand, historyImportCommand, type HistoryFlags, type HistoryImportFlags } from './history-command.js';
import { runCommand } from './run-command.js';
import { addGhzOptions, ghzCommand } from './ghz-command.js';
import { normaliseGhzArgv } from './ghz-argv.js';
import { unknownArgumentMessage } from './unknown-argument-message.js';
import { addRunOptions } from './run-options.js';
import type { ServeFlags } from './serve-command.js';
import { validateCommand } from './validate-command.js';

const EPILOGUE = `Exit codes: ${[...new Set(Object.values(ERROR_CATALOGUE).map((e) => e.exitCode))]
  .sort((a, b) => a - b)
  .map((code) => `${code} ${Object.entries(ERROR_CATALOGUE).filter(([, e]) => e.exitCode === code).map(([name]) => name).join('/')}`)
  .join(', ')}; 0 success.`;

const COMMANDS = ['run', 'validate', 'ghz', 'serve', 'compare', 'merge', 'report', 'history'] as const;

/**
 * Parses argv, runs one command, and maps any error to its exit code, printed once as one
 * line on stderr. The only place that knows about exit codes.
 */
export async function main(given: string[], io: CliIo): Promise<number> {
  // ghz's docs spell long flags with one dash: `ghz -insecure -proto x.proto`.
  const argv = given[0] === 'ghz' ? ['ghz', ...normaliseGhzArgv(given.slice(1))] : given;
  let exitCode = 0;
  let usageError: string | undefined;
  const parser = yargs(argv)
    .scriptName('grpc-bench')
    .version(TOOL_VERSION)
    .strict()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      usageError = unknownArgumentMessage(message, {
        command: COMMANDS.find((name) => name === argv[0]),
        commands: COMMANDS,
        // yargs keeps the current command's options there; its typings omit getOptions.
        options: Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key),
        argv,
      });
      // Stops here: yargs would otherwise still run the command's handler without its arguments.
      throw new BenchError('USAGE', usageError);
    })
    .command(
      'run [scenario] [target]',
      'Load-test a gRPC method of any kind: unary, client, server or bidi streaming (the embedded Order service by default)',
      (y) =>
        addRunOptions(
          y
            .positional('scenario', { type: 'string', describe: 'Scenario YAML file (optional)' })
            .positional('target', { type: 'string', describe: 'host:port, or "embedded" (default)' }),
        )
          .example('$0 run scenarios/quickstart.yaml', 'A scenario against the embedded Order service')
          .example('$0 run -c 50 --connections 4 -z 30s --insecure 127.0.0.1:50051', 'Flags alone, ghz-style')
          .example('$0 run --baseline 127.0.0.1:50051 --candidate 127.0.0.1:50052 --insecure --rounds 5', 'A canary: interleaved rounds, judged like compare'),
      async (args) => {
        const positionals = [args.scenario, args.target].filter((p): p is string => typeof p === 'string');
        exitCode = await runCommand(positionals, args, io);
      },
    )
    .command(
      'validate <scenario> [target]',
      'Check a scenario without sending load: schema, thresholds, templates, proto and method, data, output path',
      (y) =>
        addRunOptions(
          y
            .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
            .positional('target', { type: 'string', describe: 'host:port, or "embedded"; overrides the file, as for run' }),
        )
          .example('$0 validate scenarios/quickstart.yaml', 'Every check run makes, without load')
          .example('$0 validate scenarios/order-stream.yaml -c 100 --connections 4', 'The scenario with the flags laid over it'),
      (args) => {
        exitCode = validateCommand(args.scenario, args.target, args, io);
      },
    )
    .command(
      'ghz [host]',
      "Run ghz's command line or config file as it is: its flags, defaults, templates and output formats; calls counted as ghz counts them",
      (y) =>
        addGhzOptions(y.positional('host', { type: 'string', describe: 'host:port of the target (or host in the --config file)' }))
          // ghz's -h and -v.
          .alias('help', 'h')
          .alias('version', 'v')
          .example("$0 ghz --insecure --proto ./greeter.proto --call helloworld.Greeter.SayHello -d '{\"name\":\"Joe\"}' -n 2000 -c 20 0.0.0.0:50051", 'ghz\'s own example, unchanged')
          .example('$0 ghz -insecure -proto ./x.proto -call a.B.C 127.0.0.1:50051', "ghz's one-dash spelling")
          .example('$0 ghz --config ./ghz.toml -O json -o report.json', 'A ghz config file (JSON, TOML or YAML), its report as ghz writes it'),
      async (args) => {
        exitCode = await ghzCommand(args as Record<string, unknown>, io);
      },
    )
    .command(
      'serve',
      'Serve the reference Order service (v1/v2 knobs) until SIGINT/SIGTERM or until the process that started it exits',
      (y) =>
        y
          .option('port', { type: 'number', default: 50051, describe: 'TCP port; 0 picks a free one' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
          .option('service-version', { type: 'string', default: 'v1', describe: 'Reported in served_by' })
          .option('latency', { type: 'string', default: '0ms', describe: 'Added latency per request' })
          .option('jitter', { type: 'string', default: '0ms', describe: 'Extra random latency, uniform in [0, jitter]' })
          .option('error-ratio', { type: 'number', default: 0, describe: 'Share of requests that end their stream with --error-code' })
          .option('error-code', { type: 'string', default: 'UNAVAILABLE', describe: 'gRPC status for injected errors' })
          .option('leak-bytes', { type: 'number', default: 0, describe: 'Bytes kept forever per request (a deliberate leak)' })
          .option('grace', { type: 'string', default: '5s', describe: 'Grace period for in-flight streams on shutdown' })
          .option('metrics-port', { type: 'number', describe: 'Serve Prometheus /metrics on this port (0: a free one)' })
          .option('work-us', { type: 'number', default: 0, describe: 'CPU time spent per request, µs (a busy loop)' })
          .option('protocol', { type: 'string', default: 'echo', describe: 'echo: one answer per request; reservation: ACCEPTED, RESERVED, then CONFIRMED/REJECTED on a CONFIRM, with stock pushes' })
          .option('stage-delays', { type: 'string', describe: 'Reservation protocol: delay before ACCEPTED, RESERVED and the decision ("1ms,5ms,2ms", or one for all)' })
          .option('reject-ratio', { type: 'number', describe: 'Reservation protocol: share (0-1) of confirms answered REJECTED (seeded draws)' })
          .option('reject-seed', { type: 'number', describe: 'Reservation protocol: seed of the reject draws (default 1)' })
          .option('push-rate', { type: 'number', describe: 'Reservation protocol: unsolicited STOCK_UPDATE pushes per second per stream (max 1000)' })
          .option('stall', { type: 'string', describe: 'Hold every answer for this long, once (see --stall-after)' })
          .option('stall-after', { type: 'string', default: '0ms', describe: 'When the one-off --stall starts, after start-up' })
          .option('canary', { type: 'boolean', default: false, describe: 'Serve a canary version beside the stable one, routed like an Envoy route' })
          .option('canary-header', { type: 'string', default: 'x-user-group=internal-testers', describe: 'Streams with this metadata go to the canary ("" = none)' })
          .option('canary-weight', { type: 'number', default: 0, describe: 'Share (0-1) of the other streams sent to the canary' })
          .option('canary-version', { type: 'string', default: 'v2', describe: "The canary's served_by" })
          .option('canary-latency', { type: 'string', describe: "The canary's added latency" })
          .option('canary-jitter', { type: 'string', describe: "The canary's jitter" })
          .option('canary-error-ratio', { type: 'number', describe: "The canary's error ratio" })
          .option('canary-error-code', { type: 'string', describe: "The canary's error status" })
          .option('canary-leak-bytes', { type: 'number', describe: "The canary's leak per request" })
          .option('canary-work-us', { type: 'number', describe: "The canary's CPU time per request, µs" })
          .option('canary-protocol', { type: 'string', describe: "The canary's protocol" })
          .option('canary-stage-delays', { type: 'string', describe: "The canary's stage delays" })
          .option('canary-reject-ratio', { type: 'number', describe: "The canary's reject share" })
          .option('canary-reject-seed', { type: 'number', describe: "The canary's reject seed" })
          .option('canary-push-rate', { type: 'number', describe: "The canary's pushes per second per stream" })
          .option('tls-cert', { type: 'string', describe: 'Serve TLS with this certificate file (PEM), with --tls-key' })
          .option('tls-key', { type: 'string', describe: 'Private key file (PEM) of --tls-cert' })
          .option('tls-client-ca', { type: 'string', describe: 'Mutual TLS: require client certificates signed by this CA file (PEM)' })
          .example('$0 serve --port 50052 --service-version v2 --latency 2ms --work-us 3', 'A slower v2 beside v1')
          .example('$0 serve --leak-bytes 1024 --error-ratio 0.01', 'A leaking, failing version')
          .example('$0 serve --protocol reservation --stage-delays 1ms,5ms,2ms --reject-ratio 0.1 --push-rate 20', 'The reservation protocol with stock pushes'),
      async (args) => {
        const { serveCommand } = await import('./serve-command.js');
        exitCode = await serveCommand(args as unknown as ServeFlags, io);
      },
    )
    .command(
      'compare <baseline> [candidate]',
      'Compare two report.json files (v1 baseline, v2 candidate), or two versions of one split run (--versions): fail on a significant regression beyond tolerance',
      (y) =>
        y
          .positional('baseline', { type: 'string', demandOption: true, describe: "Baseline report.json (e.g. v1); with --versions, the split run's report" })
          .positional('candidate', { type: 'string', describe: 'Candidate report.json (e.g. v2); omitted with --versions' })
          .option('versions', { type: 'string', describe: "Judge two versions of one split run's report (split:), baseline first, e.g. v1,v2: paired by interval" })
          .option('max-regression', { type: 'string', describe: 'Allowed worsening per metric, e.g. p99=10%,messagesPerSec=5%,errorRate=0.1pp' })
          .option('alpha', { type: 'number', describe: 'Significance level (default 0.05); the ratio CI is at 1 − alpha' })
          .option('O', { alias: 'format', type: 'string', default: 'console', describe: `Output format: ${COMPARISON_FORMATS.join(', ')}` })
          .option('o', { alias: 'output', type: 'string', describe: 'Write the comparison to this file instead of stdout' })
          .option('fail-on-inconclusive', { type: 'boolean', default: false, describe: 'Exit 99 on an inconclusive verdict too' })
          .example('$0 compare reports/v1.json reports/v2.json --max-regression p99=10%,messagesPerSec=5%', 'Judge v2 against v1')
          .example('$0 compare reports/split.json --versions v1,v2', "Judge a router split's v2 against its v1"),
      async (args) => {
        exitCode = await compareCommand(args as unknown as CompareFlags, io);
      },
    )
    .command(
      'merge <reports..>',
      'Merge the report.json files of the segments of one run (run --segment i/n) into the report of the whole run; its thresholds are judged again',
      (y) =>
        y
          .positional('reports', { type: 'string', array: true, demandOption: true, describe: "The segments' report.json files" })
          .option('O', { alias: 'format', type: 'string', describe: `Report formats, comma-separated (default ${DEFAULT_MERGE_FORMATS})` })
          .option('o', { alias: 'output', type: 'string', describe: 'Report file (one format) or directory; default reports/<name>-merged-<time>/' })
          .example('$0 merge seg-1.json seg-2.json seg-3.json -o merged.json', 'The whole run of three segments'),
      async (args) => {
        exitCode = await mergeCommand(args as unknown as MergeFlags, io);
      },
    )
    .command(
      'report <source>',
      "Render a saved report.json in any format, or rebuild the partial report of a killed run from its journal (the run's output directory or its journal.jsonl)",
      (y) =>
        y
          .positional('source', { type: 'string', demandOption: true, describe: "A run's output directory, its journal.jsonl, or a report.json" })
          .option('O', { alias: 'format', type: 'string', describe: `Report formats, comma-separated (default ${DEFAULT_REPORT_FORMATS.report} for a report.json, ${DEFAULT_REPORT_FORMATS.journal} for a journal)` })
          .option('o', { alias: 'output', type: 'string', describe: 'Report file (one format) or directory; default the directory of the source' })
          .example('$0 report reports/run/report.json -O html,markdown', 'A saved report in other formats, beside it')
          .example('$0 report reports/run/', 'Its report.json, or the journal of a killed run'),
      async (args) => {
        exitCode = await reportCommand(args as unknown as ReportFlags, io);
      },
    )
    .command(
      'history',
      'Judge a run history (run --history DIR): trends and change points per series and metric; exit 99 on a new regression. history import adds saved reports',
      (y) =>
        y
          .command(
            '$0 <dir>',
            'Trends and change points of every series in the history directory; the newest run of each judged',
            (h) =>
              h
                .positional('dir', { type: 'string', demandOption: true, describe: 'The history directory (run --history DIR)' })
                .option('O', { alias: 'format', type: 'string', default: 'console', describe: `Output formats, comma-separated: ${Object.keys(HISTORY_FORMATS).join(', ')}; more than one needs -o` })
                .option('o', { alias: 'output', type: 'string', describe: 'A directory for history.<ext> files (console still prints), or a file for one format' })
                .option('max-p', { type: 'number', default: HISTORY_DEFAULTS.maxPValue, describe: "A change counts when Student's t-test between the segments gives p at most this" })
                .option('min-change', { type: 'string', default: `${HISTORY_DEFAULTS.minMagnitude * 100}%`, describe: 'A change counts when the mean moves at least this much' })
                .option('min-runs', { type: 'number', default: HISTORY_DEFAULTS.minSegment, describe: 'Runs needed on each side of a change point (a change is confirmed once this many runs follow it)' })
                .option('recent', { type: 'number', default: HISTORY_DEFAULTS.recentRuns, describe: 'A confirmed change is new (and fails the gate) while it began within this many newest runs' })
                .option('fail-on-suspected', { type: 'boolean', default: false, describe: 'Exit 99 on a suspected regression too (the newest run alone outside what its segment predicts)' })
                .example('$0 history perf-history/', 'Table of trends and change points; exit 99 on a new regression')
                .example('$0 history perf-history/ -O html,markdown -o reports/trend', 'A trend page and a CI step summary'),
            (args) => {
              exitCode = historyCommand(args as unknown as HistoryFlags, io);
            },
          )
          .command(
            'import <dir> <reports..>',
            'Add saved report.json files to the history directory (created if missing); a run already there is not added twice',
            (h) =>
              h
                .positional('dir', { type: 'string', demandOption: true, describe: 'The history directory' })
                .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'report.json files of grpc-bench run' })
                .option('tag', { type: 'string', describe: 'A tag kept with each imported record, key=value; repeatable' })
                .example('$0 history import perf-history/ old-reports/*.json --tag branch=main', 'Start a history from reports on disk'),
            (args) => {
              exitCode = historyImportCommand(args as unknown as HistoryImportFlags, io);
            },
          ),
    )
    .demandCommand(1, `Name a command: ${COMMANDS.join(', ')}`)
    .example('$0 run scenarios/quickstart.yaml', 'A first run: the embedded Order service, 5 s')
    .example('$0 <command> --help', "A command's flags, grouped, with defaults and examples")
    .epilogue(EPILOGUE)
    .help();

  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_error, _argv, output) => {
      helpText = output;
    });
    if (usageError !== undefined) throw new BenchError('USAGE', usageError);
    if (helpText) io.stdout(`${helpText}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof BenchError) {
      io.stderr(`grpc-bench: ${error.message} [${error.code}]\n`);
      return error.exitCode;
    }
    io.stderr(`grpc-bench: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return ERROR_CATALOGUE.INTERNAL.exitCode;
  }
}

/** Exits once what was written to stdout and stderr has gone out: writes to a pipe are asynchronous, and exit would cut them short (at 64 KiB). */
function exitAfterOutput(code: number): void {
  // Nothing queued (the usual case): exit now, before anything else scheduled can print.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/** The process entry: run `main`, then exit with its code (worker pools and sockets are closed by then). */
export function runCli(): void {
  main(process.argv.slice(2), processIo()).then(
    (code) => exitAfterOutput(code),
    (error: unknown) => {
      process.stderr.write(`grpc-bench: internal error: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
