import type { Argv } from 'yargs';
import { REPORT_FORMATS } from '../reporters/reporter-registry.js';

/**
 * The flags of `run`, which `validate` takes too: each sets one scenario field (see
 * run-flags.ts), so a scenario is checked exactly as it would run.
 */
export function addRunOptions<T>(y: Argv<T>) {
  return y
    .option('c', { type: 'number', describe: 'Concurrent streams (load.streams)' })
    .option('n', { type: 'number', describe: 'Total request messages (load.messages)' })
    .option('z', { type: 'string', describe: 'Run duration, e.g. 10s (load.duration)' })
    .option('connections', { type: 'number', describe: 'HTTP/2 connections, ≤ streams (load.connections)' })
    .option('workers', {
      type: 'string',
      // A number, "auto", or the text as given (the scenario check then names it).
      coerce: (value: string) => (value === 'auto' || value.trim() === '' || Number.isNaN(Number(value)) ? value : Number(value)),
      describe: 'Worker threads, or "auto": short probes pick the count that pays (load.workers; default: CPU count)',
    })
    .option('stream-call-count', { type: 'number', describe: 'Messages per stream before half-close (stream.messages)' })
    .option('stream-call-duration', { type: 'string', describe: 'Lifetime of one stream, e.g. 5s (stream.duration)' })
    .option('stream-interval', { type: 'string', describe: 'Pause between sends on a stream, e.g. 10ms (stream.interval)' })
    .option('window', { type: 'number', describe: 'Requests in flight per stream; 1 = ping-pong (stream.window)' })
    .option('correlate-by', { type: 'string', describe: 'Response field echoing a request field (stream.correlateBy)' })
    .option('d', { alias: 'data', type: 'string', describe: 'Request message as JSON; strings may hold {{templates}}' })
    .option('m', { alias: 'metadata', type: 'string', describe: 'Request metadata as a JSON object' })
    .option('insecure', { type: 'boolean', describe: 'Plaintext (no TLS); TLS with verification is the default' })
    .option('transport', { type: 'string', choices: ['grpc-js', 'http2'], describe: 'Wire implementation: grpc-js (default, reference behaviour) or http2 (node:http2, less CPU per message) (transport)' })
    .option('max-recv-message-size', { type: 'string', describe: 'Largest response message accepted, bytes or e.g. 16MiB; larger ends the stream RESOURCE_EXHAUSTED (maxReceiveMessageSize, default 4MiB)' })
    .option('cacert', { type: 'string', describe: 'CA certificate file (PEM) that verifies the server (tls.cacert; default: system roots)' })
    .option('cert', { type: 'string', describe: 'Client certificate file (PEM) for mutual TLS, with --key (tls.cert)' })
    .option('key', { type: 'string', describe: 'Private key file (PEM) of the client certificate (tls.key)' })
    .option('server-name', { alias: 'cname', type: 'string', describe: 'Name the server certificate must carry, instead of the host (tls.serverName)' })
    .option('proto', { type: 'string', describe: 'The .proto file (default: bundled order.proto for embedded, server reflection otherwise)' })
    .option('import-paths', { type: 'string', describe: 'Comma-separated proto import paths' })
    .option('call', { type: 'string', describe: 'package.Service/Method (default pb.OrderService/CreateOrderStream)' })
    .option('name', { type: 'string', describe: 'Run name, used in report paths' })
    .option('O', { alias: 'format', type: 'string', describe: `Report formats, comma-separated: ${REPORT_FORMATS.join(', ')}` })
    .option('o', { alias: 'output', type: 'string', describe: 'Report file (one format) or directory; default reports/<name>-<time>/' })
    .option('baseline', { type: 'string', describe: 'Canary comparison: the stable target (with --candidate; compare.baseline)' })
    .option('candidate', { type: 'string', describe: 'Canary comparison: the target under test (compare.candidate)' })
    .option('rounds', { type: 'number', describe: 'Canary comparison: interleaved rounds A B A B … (compare.rounds, default 5)' })
    .option('baseline-metadata', { type: 'string', describe: 'Canary comparison: metadata (JSON object) sent only to the baseline (compare.baselineMetadata)' })
    .option('candidate-metadata', { type: 'string', describe: 'Canary comparison: metadata (JSON object) sent only to the candidate, e.g. a routing header (compare.candidateMetadata)' })
    .option('max-regression', { type: 'string', describe: 'Canary comparison tolerances, e.g. p99=10%,messagesPerSec=5%' })
    .option('r', { alias: 'rate', type: 'number', describe: 'Open model: target messages/s across all streams (load.rate)' })
    .option('warmup', { type: 'string', describe: 'Leading time excluded from every statistic, e.g. 2s (load.warmup)' })
    .option('stream-timeout', { type: 'string', describe: 'Per-message timeout → DEADLINE_EXCEEDED (stream.timeout)' })
    .option('monitor-pid', { type: 'number', describe: "Sample the target's memory by pid (monitor.pid)" })
    .option('metrics-url', { type: 'string', describe: "Sample the target's memory from its Prometheus endpoint (monitor.metricsUrl)" })
    .option('metrics-port', { type: 'number', describe: 'Serve live grpc_bench_* metrics on 127.0.0.1:<port>/metrics during the run; 0 picks a free one (monitor.metricsPort)' })
    .option('segment', { type: 'string', describe: 'Run part i of n of the load, e.g. 2/3 (segment); join the parts with grpc-bench merge' })
    .option('threshold', { type: 'string', describe: "A pass/fail threshold, e.g. 'p99<50ms'; repeatable (thresholds.<metric>)" })
    .option('load-schedule', { type: 'string', describe: 'ghz-style rate schedule: const, step or line' })
    .option('load-start', { type: 'number', describe: 'Rate at the start of a step/line schedule' })
    .option('load-end', { type: 'number', describe: 'Rate at the end of a step/line schedule' })
    .option('load-step', { type: 'number', describe: 'Rate increase per step (step) or per second (line)' })
    .option('load-step-duration', { type: 'string', describe: 'Length of one step, e.g. 5s' })
    .option('load-max-duration', { type: 'string', describe: 'Length of the whole schedule' })
    .option('concurrency-schedule', { type: 'string', describe: 'ghz-style stream-count schedule: const, step or line' })
    .option('concurrency-start', { type: 'number', describe: 'Streams at the start of a step/line schedule' })
    .option('concurrency-end', { type: 'number', describe: 'Streams at the end' })
    .option('concurrency-step', { type: 'number', describe: 'Streams added per step (step) or per second (line)' })
    .option('concurrency-step-duration', { type: 'string', describe: 'Length of one step' })
    .option('concurrency-max-duration', { type: 'string', describe: 'Length of the whole schedule' });
}
