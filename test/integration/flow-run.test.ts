import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../src/driver/create-transport.js';
import { compileFlowProgram, flowFieldsOf } from '../../src/driver/flow-program.js';
import { FlowRecorder } from '../../src/driver/flow-recorder.js';
import { MAX_KEYS_PER_RUN } from '../../src/driver/flow-stream-driver.js';
import { flowScenarioProblems } from '../../src/scenario/flow-scenario-problems.js';
import { loadBidiMethod } from '../../src/driver/load-method.js';
import { ShareRun } from '../../src/driver/share-run.js';
import { decodeHistogram } from '../../src/stats/latency-histogram.js';
import { constantSchedule, type Schedule } from '../../src/schedule/load-schedule.js';
import { compileMessageTemplate } from '../../src/scenario/compile-message-template.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES } from '../../src/scenario/scenario-schema.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { startGzipAnsweringProxy } from '../helpers/gzip-answering-proxy.js';
import { countRejects } from '../../src/target/reject-draw.js';
import type { ServiceKnobs } from '../../src/target/service-knobs.js';
import { startOrderServer, type OrderServerHandle } from '../../src/target/start-order-server.js';
import type { FlowSettings } from '../../src/types/flow-settings.js';
import type { WorkerResult } from '../../src/types/worker-protocol.js';

/** The seeds' reservation flow (scenarios/reservation-flow.yaml), durations in ms. */
const RESERVATION_FLOW: FlowSettings = {
  unsolicited: { status: 'STOCK_UPDATE' },
  onTimeout: 'continue',
  steps: [
    { send: 'order', message: { request_id: '{{requestId}}', user_id: 'u_{{streamId}}', items: [{ sku_id: 's_001', count: 1 }] } },
    { await: 'reserved', until: { status: 'RESERVED', reservation_id: { present: true } }, within: 2000, capture: { reservation: 'reservation_id' } },
    { send: 'confirm', message: { request_id: '{{requestId}}', kind: 'CONFIRM', reservation_id: '{{reservation}}' } },
    {
      await: 'decided',
      until: { status: ['CONFIRMED', 'REJECTED', 'INVALID_RESERVATION'] },
      within: 2000,
      checks: { confirmed: { status: 'CONFIRMED' }, 'same-reservation': { reservation_id: '{{reservation}}' } },
    },
  ],
};

const servers: OrderServerHandle[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.forceShutdown();
});

async function start(knobs: Partial<ServiceKnobs>): Promise<OrderServerHandle> {
  const server = await startOrderServer({ port: 0, knobs: { protocol: 'reservation', ...knobs } });
  servers.push(server);
  return server;
}

interface FlowShare {
  transport: 'grpc-js' | 'http2';
  flow: FlowSettings;
  streams: number;
  window: number;
  durationMs: number;
  correlateBy?: string;
  rateSchedule?: Schedule;
  drainTimeoutMs?: number;
  /** Where the streams go; default the server's own address. */
  target?: string;
}

/** One worker's share with a flow, in this thread, against a real server; bounded by `durationMs`. */
async function runFlow(server: OrderServerHandle, options: FlowShare): Promise<WorkerResult> {
  const method = loadBidiMethod(ORDER_PROTO_PATH, [], 'pb.OrderService/CreateOrderStream');
  const data = compileMessageTemplate({ user_id: 'u' }, options.correlateBy);
  const recorder = new FlowRecorder(options.flow);
  const program = compileFlowProgram(options.flow, method, data.build, options.correlateBy, recorder, data);
  const flowFields = flowFieldsOf(options.flow);
  const transport = createTransport(options.transport, {
    target: options.target ?? server.address,
    insecure: true,
    metadata: {},
    maxReceiveMessageBytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
    method,
    workerId: 0,
    ...(flowFields ? { flowFields } : {}),
    requestTemplates: program.templates,
    ...(options.correlateBy ? { correlateBy: options.correlateBy } : {}),
  });
  const run = new ShareRun({
    share: { workerId: 0, streams: options.streams, connections: 1, firstStreamId: 0, streamIdStride: options.streams, durationMs: options.durationMs, workerCount: 1, warmupMs: 0, ...(options.rateSchedule ? { rateSchedule: options.rateSchedule } : {}) },
    stream: { intervalMs: 0, window: options.window, ...(options.correlateBy ? { correlateBy: options.correlateBy } : {}) },
    transport,
    buildMessage: data.build,
    snapshotIntervalMs: 200,
    drainTimeoutMs: options.drainTimeoutMs ?? 3000,
    connectTimeoutMs: 5000,
    onSnapshot: () => {},
    flow: { program, recorder },
  });
  return run.run();
}

describe.each(['grpc-js', 'http2'] as const)('flows on %s', (transport) => {
  it('runs the reservation flow: per-step counts equal the server’s, captured ids reach the confirms, checks count the rejects, pushes are counted apart', async () => {
    const seed = 11;
    const rejectRatio = 0.2;
    const server = await start({ rejectRatio, rejectSeed: seed, stageDelaysMs: { accepted: 1, reserved: 1, decided: 1 }, pushRatePerSec: 200 });

    const result = await runFlow(server, { transport, flow: RESERVATION_FLOW, streams: 3, window: 2, durationMs: 700, correlateBy: 'request_id' });

    const flow = result.flow!;
    const counters = server.counters.snapshot();
    expect(flow.runsStarted).toBeGreaterThan(10);
    expect(flow.runsTimedOut).toBe(0);
    expect(flow.runsUnfinished).toBe(0);
    expect(flow.runsCompleted).toBe(flow.runsStarted);
    expect(flow.sends).toEqual({ order: counters.ordersReceived, confirm: counters.confirmsValid });
    expect(counters.confirmsInvalid).toBe(0);
    const { reserved, decided } = flow.awaits;
    expect(reserved!.matched).toBe(counters.responsesByStatus['RESERVED']);
    expect(reserved!.byStatus).toEqual({ ACCEPTED: counters.responsesByStatus['ACCEPTED'], RESERVED: counters.responsesByStatus['RESERVED'] });
    expect(reserved!.intermediate).toBe(counters.responsesByStatus['ACCEPTED']);
    const rejects = countRejects(seed, rejectRatio, counters.confirmsValid);
    expect(rejects).toBeGreaterThan(0);
    expect(decided!.byStatus).toEqual({ CONFIRMED: counters.confirmsValid - rejects, REJECTED: rejects });
    expect(flow.checks['confirmed']).toEqual({ passes: counters.confirmsValid - rejects, fails: rejects });
    expect(flow.checks['same-reservation']).toEqual({ passes: counters.confirmsValid, fails: 0 });
    expect(flow.unsolicited['STOCK_UPDATE']).toBe(counters.pushesSent);
    expect(flow.unsolicited['STOCK_UPDATE']).toBeGreaterThan(0);
    // Each match is one measured response of the run; the main histogram holds their latencies.
    expect(result.counters.messagesReceived).toBe(reserved!.matched + decided!.matched);
    expect(result.counters.messagesSent).toBe(counters.messagesReceived);
  });

  it('reads gzip-compressed responses (grpc-encoding: gzip): awaits match and capture from the inflated messages, counts equal the server’s', async () => {
    const seed = 5;
    const rejectRatio = 0.25;
    const server = await start({ rejectRatio, rejectSeed: seed, stageDelaysMs: { accepted: 1, reserved: 1, decided: 1 }, pushRatePerSec: 100 });
    const proxy = await startGzipAnsweringProxy(server.address);
    try {
      const result = await runFlow(server, { transport, flow: RESERVATION_FLOW, streams: 2, window: 2, durationMs: 500, correlateBy: 'request_id', target: proxy.address });

      const flow = result.flow!;
      const counters = server.counters.snapshot();
      // Every message the server sent reached the client gzipped.
      expect(proxy.messagesCompressed()).toBe(counters.messagesSent);
      expect(flow.runsStarted).toBeGreaterThan(5);
      expect(flow.runsCompleted).toBe(flow.runsStarted);
      expect(flow.sends).toEqual({ order: counters.ordersReceived, confirm: counters.confirmsValid });
      // The captured reservation ids, read from inflated responses, reached the confirms.
      expect(counters.confirmsInvalid).toBe(0);
      expect(flow.awaits['reserved']!.byStatus).toEqual({ ACCEPTED: counters.responsesByStatus['ACCEPTED'], RESERVED: counters.responsesByStatus['RESERVED'] });
      const rejects = countRejects(seed, rejectRatio, counters.confirmsValid);
      expect(flow.awaits['decided']!.byStatus).toEqual({ CONFIRMED: counters.confirmsValid - rejects, ...(rejects > 0 ? { REJECTED: rejects } : {}) });
      expect(flow.checks['same-reservation']).toEqual({ passes: counters.confirmsValid, fails: 0 });
      expect(flow.unsolicited['STOCK_UPDATE'] ?? 0).toBe(counters.pushesSent);
      expect(result.statusCodes).toEqual({ OK: result.counters.streamsOpened });
    } finally {
      await proxy.close();
    }
  });

  it('runs one flow at a time per stream without correlateBy, every response belonging to it', async () => {
    const server = await start({ pushRatePerSec: 0 });

    const result = await runFlow(server, { transport, flow: RESERVATION_FLOW, streams: 2, window: 1, durationMs: 500 });

    const counters = server.counters.snapshot();
    expect(result.flow!.runsCompleted).toBe(counters.confirmsValid);
    expect(result.flow!.awaits['decided']!.byStatus).toEqual({ CONFIRMED: counters.confirmsValid });
    expect(counters.confirmsInvalid).toBe(0);
  });

  // The benchmark's two flows: awaiting a response with request_id set, and any response (no field read at all).
  it.each([
    ['until request_id is present', { until: { request_id: { present: true } } }],
    ['without until', {}],
  ] as const)("records a flow of one send and one await (the benchmark's, %s) exactly, its flow runs reused from one to the next", async (_name, until) => {
    const server = await startOrderServer({ port: 0, knobs: { protocol: 'echo' } });
    servers.push(server);
    const flow: FlowSettings = {
      onTimeout: 'continue',
      steps: [{ send: 'ping', message: { request_id: '{{requestId}}', user_id: 'u_{{streamId}}' } }, { await: 'pong', ...until, within: 2000 }],
    };
    expect(flowFieldsOf(flow)).toEqual('until' in until ? { fields: ['request_id'], presenceOnly: ['request_id'] } : undefined);

    const result = await runFlow(server, { transport, flow, streams: 2, window: 1, durationMs: 300 });

    const figures = result.flow!;
    const counters = server.counters.snapshot();
    const pong = figures.awaits['pong']!;
    expect(pong.matched).toBeGreaterThan(20);
    expect(figures.sends).toEqual({ ping: counters.messagesReceived });
    expect(result.counters.messagesSent).toBe(counters.messagesReceived);
    // Every answer is its run's match, counted once in each figure.
    expect(result.counters.messagesReceived).toBe(counters.messagesSent);
    expect(pong.matched).toBe(counters.messagesSent);
    expect(figures.runsCompleted).toBe(pong.matched);
    expect(figures.runsStarted).toBe(figures.runsCompleted + figures.runsUnfinished);
    expect(pong).toMatchObject({ intermediate: 0, timeouts: 0, byStatus: { '(any)': pong.matched } });
    expect(decodeHistogram(pong.matchHistogram).totalCount).toBe(pong.matched);
    expect(decodeHistogram(pong.firstResponseHistogram).totalCount).toBe(pong.matched);
    expect(figures.unsolicited).toEqual({});
    expect(figures.unawaited).toBe(0);
  });

  it('runs repeats, nested, as many times as they say, every flow run to its end', async () => {
    const server = await startOrderServer({ port: 0, knobs: { protocol: 'echo' } });
    servers.push(server);
    const message = { request_id: '{{requestId}}', user_id: 'u' };
    const flow: FlowSettings = {
      onTimeout: 'continue',
      steps: [
        { send: 'open', message },
        { await: 'opened', within: 2000 },
        { repeat: 2, steps: [{ send: 'outer', message }, { await: 'outerAnswer', within: 2000 }, { repeat: 3, steps: [{ send: 'inner', message }, { await: 'innerAnswer', within: 2000 }] }] },
      ],
    };

    const result = await runFlow(server, { transport, flow, streams: 2, window: 1, durationMs: 300 });

    const figures = result.flow!;
    const runs = figures.runsCompleted;
    expect(runs).toBeGreaterThan(5);
    expect(figures.runsUnfinished).toBe(0);
    expect(figures.runsStarted).toBe(runs);
    expect(figures.sends).toEqual({ open: runs, outer: 2 * runs, inner: 6 * runs });
    expect([figures.awaits['opened']!.matched, figures.awaits['outerAnswer']!.matched, figures.awaits['innerAnswer']!.matched]).toEqual([runs, 2 * runs, 6 * runs]);
    expect(server.counters.snapshot().messagesReceived).toBe(9 * runs);
  });

  it('runs a flow that awaits nothing (a send and a pause) to the end of the run, each flow run once', async () => {
    const server = await startOrderServer({ port: 0, knobs: { protocol: 'echo' } });
    servers.push(server);
    const flow: FlowSettings = { onTimeout: 'continue', steps: [{ send: 'ping' }, { pause: 1 }] };

    const result = await runFlow(server, { transport, flow, streams: 2, window: 1, durationMs: 200 });

    const figures = result.flow!;
    expect(figures.runsCompleted).toBeGreaterThan(2);
    expect(figures.runsStarted).toBe(figures.runsCompleted);
    expect(figures.sends).toEqual({ ping: figures.runsCompleted });
    expect(server.counters.snapshot().messagesReceived).toBe(figures.runsCompleted);
  });

  it('remembers the correlation keys of a flow run’s latest sends only: a run that repeats sends holds a bounded number', async () => {
    // Every answer comes 300 ms after its request: both bursts are out before the first answer is back.
    const server = await startOrderServer({ port: 0, knobs: { protocol: 'echo', latencyMs: 300 } });
    servers.push(server);
    // Two bursts (a pause between them) of MAX_KEYS_PER_RUN + 44 sends in all: the first 44 keys are forgotten.
    const first = MAX_KEYS_PER_RUN - 56;
    const sends = MAX_KEYS_PER_RUN + 44;
    const message = { request_id: '{{requestId}}', user_id: 'u' };
    const flow: FlowSettings = {
      onTimeout: 'continue',
      steps: [{ repeat: first, steps: [{ send: 'ping', message }] }, { pause: 1 }, { repeat: sends - first, steps: [{ send: 'ping2', message }] }, { repeat: sends, steps: [{ await: 'pong', within: 1000 }] }],
    };
    expect(flowScenarioProblems({ stream: { flow: { ...flow, thresholds: [] } as never, interval: 0, window: 1, correlateBy: 'request_id' }, load: {}, thresholds: { flow: [] } })).toEqual([]);

    const result = await runFlow(server, { transport, flow, streams: 1, window: 1, durationMs: 200, correlateBy: 'request_id', drainTimeoutMs: 3000 });

    const figures = result.flow!;
    const pong = figures.awaits['pong']!;
    expect(figures.runsStarted).toBe(1);
    expect(figures.sends).toEqual({ ping: first, ping2: sends - first });
    // The answers to the latest MAX_KEYS_PER_RUN sends match, those to the 44 before belong to no run, and the
    // next await times out waiting for the rest.
    expect(pong.matched).toBe(MAX_KEYS_PER_RUN);
    expect(figures.unsolicited).toEqual({ '(any)': 44 });
    expect(pong.timeouts).toBe(1);
    expect(server.counters.snapshot().messagesSent).toBe(sends);
  });

  it('ends an await without until at the first response that is not a push, pushes counted apart', async () => {
    const server = await start({ pushRatePerSec: 300, stageDelaysMs: { accepted: 1, reserved: 1, decided: 1 } });
    const flow: FlowSettings = { onTimeout: 'continue', unsolicited: { status: 'STOCK_UPDATE' }, steps: [{ send: 'order' }, { await: 'answered', within: 2000 }, { await: 'reserved', until: { status: 'RESERVED' }, within: 2000 }] };

    const result = await runFlow(server, { transport, flow, streams: 2, window: 2, durationMs: 400, correlateBy: 'request_id' });

    const figures = result.flow!;
    const counters = server.counters.snapshot();
    // The first answer to an order is ACCEPTED: the await without until matches it, never a push.
    expect(figures.awaits['answered']!.matched).toBe(counters.responsesByStatus['ACCEPTED']);
    expect(figures.awaits['answered']!.byStatus).toEqual({ '(any)': counters.responsesByStatus['ACCEPTED'] });
    expect(figures.awaits['reserved']!.matched).toBe(counters.responsesByStatus['RESERVED']);
    expect(figures.unsolicited['STOCK_UPDATE']).toBe(counters.pushesSent);
    expect(figures.awaits['answered']!.matched).toBeGreaterThan(10);
  });

  it.each(['continue', 'reopen'] as const)('ends a flow run whose await times out as DEADLINE_EXCEEDED; onTimeout: %s', async (onTimeout) => {
    // Decisions take far longer than the await allows: every flow run times out at "decided".
    const server = await start({ stageDelaysMs: { accepted: 0, reserved: 0, decided: 5000 } });
    const flow: FlowSettings = { ...RESERVATION_FLOW, onTimeout, steps: RESERVATION_FLOW.steps.map((step) => ('await' in step && step.await === 'decided' ? { ...step, within: 60 } : step)) };

    const result = await runFlow(server, { transport, flow, streams: 1, window: 1, durationMs: 400, correlateBy: 'request_id', drainTimeoutMs: 100 });

    const figures = result.flow!;
    const decided = figures.awaits['decided']!;
    expect(decided.timeouts).toBeGreaterThan(1);
    expect(decided.matched).toBe(0);
    expect(figures.runsTimedOut).toBe(decided.timeouts);
    expect(figures.runsCompleted).toBe(0);
    expect(figures.awaits['reserved']!.matched).toBe(figures.runsStarted);
    if (onTimeout === 'continue') {
      // The stream carries on: one stream, every flow run on it.
      expect(result.counters.streamsOpened).toBe(1);
      expect(figures.runsStarted).toBe(decided.timeouts + figures.runsUnfinished);
    } else {
      // Each timeout closes the stream and opens a new one.
      expect(result.statusCodes['DEADLINE_EXCEEDED']).toBe(decided.timeouts);
      expect(result.counters.streamsOpened).toBeGreaterThanOrEqual(decided.timeouts);
      expect(figures.runsStarted).toBe(result.counters.streamsOpened);
    }
  });

  it('times a flow run started late from when it was due (open model)', async () => {
    // Each ACCEPTED takes at least 20 ms; runs are due every 5 ms on one stream with room for one at a time.
    const server = await start({ stageDelaysMs: { accepted: 20, reserved: 0, decided: 0 } });
    const flow: FlowSettings = { onTimeout: 'continue', steps: [{ send: 'order' }, { await: 'accepted', until: { status: 'ACCEPTED' }, within: 5000 }] };

    const result = await runFlow(server, { transport, flow, streams: 1, window: 1, durationMs: 400, correlateBy: 'request_id', rateSchedule: constantSchedule(200, 400), drainTimeoutMs: 100 });

    const accepted = result.flow!.awaits['accepted']!;
    expect(accepted.matched).toBeGreaterThan(3);
    // The k-th run (from 0) was due at 5k ms and cannot start before k answers of ≥ 20 ms each:
    // timed from when it was due, the last one waited at least 15 ms per run before it, plus its own 20.
    const maxMs = decodeHistogram(accepted.matchHistogram).maxValue / 1000;
    expect(maxMs).toBeGreaterThanOrEqual((accepted.matched - 1) * 15 + 20);
  });
});
