import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const CALLS_PROTO_PATH = fileURLToPath(new URL('../fixtures/calls.proto', import.meta.url));

export interface CallRequest {
  id: string;
  replies: number;
  fail_code: number;
  delay_ms: number;
}

/** What the server saw, its own truth to check client figures against. */
export interface CallsServerCounts {
  /** Calls started, per method name (Unary, Upload, Watch, Chat). */
  calls: Record<string, number>;
  /** Calls the server ended OK, and with another status. */
  okCalls: number;
  failedCalls: number;
  /** Paced Watch calls the client cancelled before the server ended them (counted in failedCalls too). */
  cancelledCalls: number;
  /** Request messages received, replies sent, over all calls. */
  requests: number;
  replies: number;
  /** The most calls in progress at once. */
  peakInFlight: number;
  connectionsSeen: number;
}

export interface CallsServerHandle {
  address: string;
  counts(): CallsServerCounts;
  /**
   * Starts peakInFlight again from zero (before a run): calls begun before no longer count, such as
   * those a client cancelled whose RST_STREAM the server has yet to handle.
   */
  resetPeak(): void;
  close(): void;
}

/**
 * calls.CallService on 127.0.0.1:0, one method of each kind. Unary answers its request; Upload
 * answers once after the client's half-close with the number of requests it got (Unary `delay_ms`
 * late when asked); Watch sends
 * `replies` (default 3) replies, at once or, with `delay_ms`, one every `delay_ms` until the client cancels; Chat answers each request. A request with `fail_code` ends its
 * call with that status (Upload and Chat at the half-close).
 */
export async function startCallsServer(): Promise<CallsServerHandle> {
  const definition = grpc.loadPackageDefinition(loadSync(CALLS_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true }));
  const service = (definition['calls'] as Record<string, { service: grpc.ServiceDefinition }>)['CallService']!.service;
  const counts: CallsServerCounts = { calls: {}, okCalls: 0, failedCalls: 0, cancelledCalls: 0, requests: 0, replies: 0, peakInFlight: 0, connectionsSeen: 0 };
  const peers = new Set<string>();
  // Calls in progress that began since the last resetPeak (the peak's generation).
  let inFlight = 0;
  let generation = 0;
  /** Counts a call in; returns what ends it, with its status code. */
  const begin = (method: string, peer: string): ((code: number) => void) => {
    counts.calls[method] = (counts.calls[method] ?? 0) + 1;
    peers.add(peer);
    counts.connectionsSeen = peers.size;
    const began = generation;
    inFlight++;
    counts.peakInFlight = Math.max(counts.peakInFlight, inFlight);
    return (code) => {
      if (began === generation) inFlight--;
      if (code === 0) counts.okCalls++;
      else counts.failedCalls++;
    };
  };
  const failure = (code: number): Partial<grpc.StatusObject> => ({ code, details: `asked to fail with ${code}` });
  /** A streamed call's requests so far and the first failure any of them asked for. */
  const tallyRequests = (call: NodeJS.EventEmitter, onRequest?: (request: CallRequest, received: number) => void): { received: number; code: number } => {
    const tally = { received: 0, code: 0 };
    call.on('data', (request: CallRequest) => {
      tally.received++;
      counts.requests++;
      tally.code ||= request.fail_code;
      onRequest?.(request, tally.received);
    });
    return tally;
  };

  /** Watch with `delay_ms`: one reply every `everyMs` until `total` are sent (then OK) or the client cancels. */
  const watchPaced = (call: grpc.ServerWritableStream<CallRequest, unknown>, total: number, everyMs: number, end: (code: number) => void): void => {
    let sent = 0;
    let over = false;
    const timer = setInterval(() => {
      if (sent === total) {
        clearInterval(timer);
        over = true;
        end(0);
        call.end();
        return;
      }
      counts.replies++;
      call.write({ id: call.request.id, received: ++sent });
    }, everyMs);
    call.on('cancelled', () => {
      clearInterval(timer);
      if (over) return;
      over = true;
      counts.cancelledCalls++;
      end(1);
    });
  };

  const server = new grpc.Server();
  server.addService(service, {
    Unary: (call: grpc.ServerUnaryCall<CallRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const end = begin('Unary', call.getPeer());
      counts.requests++;
      const code = call.request.fail_code;
      // A call the client gives up on while it waits is over then, and gets no reply.
      let over = false;
      call.on('cancelled', () => {
        if (!over) end(1);
        over = true;
      });
      const answer = (): void => {
        if (over) return;
        over = true;
        end(code);
        if (code) return callback(failure(code));
        counts.replies++;
        callback(null, { id: call.request.id, received: 1 });
      };
      if (call.request.delay_ms > 0) setTimeout(answer, call.request.delay_ms);
      else answer();
    },
    Upload: (call: grpc.ServerReadableStream<CallRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const end = begin('Upload', call.getPeer());
      const tally = tallyRequests(call);
      call.on('end', () => {
        end(tally.code);
        if (tally.code) return callback(failure(tally.code));
        counts.replies++;
        callback(null, { id: 'upload', received: tally.received });
      });
      call.on('error', () => end(1));
    },
    Watch: (call: grpc.ServerWritableStream<CallRequest, unknown>) => {
      const end = begin('Watch', call.getPeer());
      counts.requests++;
      const { id, replies, fail_code: code, delay_ms: everyMs } = call.request;
      const total = replies || 3;
      if (everyMs > 0) return watchPaced(call, total, everyMs, end);
      for (let i = 0; i < total; i++) call.write({ id, received: i + 1 });
      counts.replies += total;
      end(code);
      if (code) call.emit('error', failure(code));
      else call.end();
    },
    Chat: (call: grpc.ServerDuplexStream<CallRequest, unknown>) => {
      const end = begin('Chat', call.getPeer());
      const tally = tallyRequests(call, (request, received) => {
        counts.replies++;
        call.write({ id: request.id, received });
      });
      call.on('end', () => {
        end(tally.code);
        if (tally.code) call.emit('error', failure(tally.code));
        else call.end();
      });
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    address: `127.0.0.1:${port}`,
    counts: () => ({ ...counts, calls: { ...counts.calls } }),
    resetPeak: () => {
      generation++;
      inFlight = 0;
      counts.peakInFlight = 0;
    },
    close: () => server.forceShutdown(),
  };
}
