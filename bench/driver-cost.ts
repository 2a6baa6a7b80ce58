/**
 * `npm run bench:drivers`: what the stream drivers cost per message without any I/O — the echo's
 * StreamDriver against a flow of one send and one await (FlowStreamDriver), each under a real
 * ShareRun with its recording, templates and http2 framing, over a transport that answers every
 * send at once (a batch of answers per turn of the event loop, as a socket read hands them over).
 * It isolates the flow's own bookkeeping from the network and the server, which `npm run bench`
 * cannot. Each side runs in a process of its own (in one process the two would share the JIT's
 * type feedback and slow each other down), alternating, DRIVER_ROUNDS times (default 5) of
 * DRIVER_SECONDS (default 1); printed: the median CPU ns per message of each side and their ratio.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileFlowProgram } from '../src/driver/flow-program.js';
import { FlowRecorder } from '../src/driver/flow-recorder.js';
import { createFramer } from '../src/driver/http2-transport.js';
import { loadBidiMethod } from '../src/driver/load-method.js';
import { ShareRun } from '../src/driver/share-run.js';
import type { BidiStream, Connection, ConnectionEvents, StreamEvents, Transport } from '../src/driver/transport.js';
import { compileMessageTemplate } from '../src/scenario/compile-message-template.js';
import { ORDER_PROTO_PATH } from '../src/target/order-proto-path.js';
import type { FlowSettings } from '../src/types/flow-settings.js';

type Side = 'echo' | 'flow';
/** Answers handed over per turn of the event loop. */
const BATCH = 256;
const FLOW: FlowSettings = { onTimeout: 'continue', steps: [{ send: 'ping' }, { await: 'pong', within: 10_000 }] };

/** Streams waiting for their answer, in the order they sent. */
const answers: StreamEvents[] = [];
let answered = 0;

/** A stream whose every send is answered on a later turn; its framer encodes each request as the http2 transport would. */
class AnsweringStream implements BidiStream {
  private ended = false;
  constructor(
    private readonly events: StreamEvents,
    private readonly frame: (message: Record<string, unknown>) => Buffer,
  ) {}

  send(message: Record<string, unknown>): boolean {
    this.frame(message);
    answers.push(this.events);
    return true;
  }

  sendLast(message: Record<string, unknown>): void {
    this.send(message);
    this.halfClose();
  }

  halfClose(): void {
    this.end('OK');
  }

  cancel(): void {
    this.end('CANCELLED');
  }

  private end(status: string): void {
    if (this.ended) return;
    this.ended = true;
    setImmediate(() => this.events.onEnd(status, ''));
  }
}

function answeringTransport(frame: (message: Record<string, unknown>) => Buffer): Transport {
  return {
    connect: (_index: number, events: ConnectionEvents): Connection => ({
      whenReady: async () => events.onReady('127.0.0.1:0'),
      openStream: (streamEvents) => new AnsweringStream(streamEvents, frame),
      close: () => {},
    }),
  };
}

/** Hands over up to BATCH answers per turn, as long as the process lives. */
function answerLoop(): void {
  const end = Math.min(answers.length, answered + BATCH);
  while (answered < end) answers[answered++]!.onResponse(undefined, undefined);
  if (answered > 100_000) {
    answers.splice(0, answered);
    answered = 0;
  }
  setImmediate(answerLoop);
}

/** One run of a side: CPU ns per message received. */
async function runSide(side: Side, durationMs: number): Promise<number> {
  const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
  const data = compileMessageTemplate({ request_id: '{{requestId}}', user_id: 'u_123', items: [{ sku_id: 's_001', count: 1 }] });
  const recorder = side === 'flow' ? new FlowRecorder(FLOW) : undefined;
  const program = recorder ? compileFlowProgram(FLOW, method, data.build, undefined, recorder, data) : undefined;
  const frame = program ? createFramer(method, undefined, program.templates) : createFramer(method, data);
  answers.length = 0;
  answered = 0;
  const run = new ShareRun({
    share: { workerId: 0, streams: 64, connections: 4, firstStreamId: 0, streamIdStride: 64, durationMs, workerCount: 1, warmupMs: 0 },
    stream: { intervalMs: 0, window: 1 },
    transport: answeringTransport(frame),
    buildMessage: data.build,
    snapshotIntervalMs: 1000,
    drainTimeoutMs: 1000,
    connectTimeoutMs: 1000,
    onSnapshot: () => {},
    ...(recorder && program ? { flow: { recorder, program } } : {}),
  });
  const startCpu = process.cpuUsage();
  const result = await run.run();
  const cpu = process.cpuUsage(startCpu);
  return ((cpu.user + cpu.system) * 1000) / result.counters.messagesReceived;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

async function child(side: Side, seconds: number): Promise<void> {
  setImmediate(answerLoop);
  // A first, shorter run lets the JIT settle before the measured one.
  await runSide(side, 500);
  process.stdout.write(`${(await runSide(side, seconds * 1000)).toFixed(1)}\n`);
  process.exit(0);
}

function parent(): void {
  const rounds = Math.max(1, Math.floor(Number(process.env['DRIVER_ROUNDS'] ?? 5)));
  const seconds = Number(process.env['DRIVER_SECONDS'] ?? 1);
  const self = fileURLToPath(import.meta.url);
  const costs: Record<Side, number[]> = { echo: [], flow: [] };
  for (let round = 0; round < rounds; round++) {
    // Reversed every other round, so that neither side always runs first.
    for (const side of round % 2 === 0 ? (['echo', 'flow'] as const) : (['flow', 'echo'] as const)) {
      costs[side].push(Number(execFileSync(process.execPath, [self, side, String(seconds)], { encoding: 'utf8' }).trim()));
    }
  }
  const echo = median(costs.echo);
  const flow = median(costs.flow);
  process.stdout.write(
    `drivers alone, no I/O (64 streams, window 1, template request framed for http2), CPU ns per message, ${rounds} rounds of ${seconds} s:\n` +
      `  echo (StreamDriver)                              ${costs.echo.map((v) => v.toFixed(0)).join(' / ')}  median ${echo.toFixed(0)}\n` +
      `  flow of one send, one await (FlowStreamDriver)  ${costs.flow.map((v) => v.toFixed(0)).join(' / ')}  median ${flow.toFixed(0)}\n` +
      `  flow over echo: ${(flow / echo).toFixed(2)}× the CPU per message (${(flow - echo).toFixed(0)} ns more)\n`,
  );
}

const [side, seconds] = process.argv.slice(2);
if (side === 'echo' || side === 'flow') await child(side, Number(seconds));
else parent();
