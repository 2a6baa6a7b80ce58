/**
 * Benchmark target: the reference Order service in its own process, on 127.0.0.1 and a free
 * port. Prints one JSON line {"address": "127.0.0.1:PORT"} on stdout once listening, then
 * serves until stdin closes or SIGTERM/SIGINT arrives.
 *
 *   node dist/bench/bench-server.js
 */
import { startOrderServer } from '../src/target/start-order-server.js';
import { onStopRequest } from './stop-signals.js';

const SHUTDOWN_GRACE_MS = 1000;

async function serve(): Promise<void> {
  const server = await startOrderServer({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ address: server.address, pid: process.pid })}\n`);

  onStopRequest(() => {
    // Exit even if a stream refuses to finish within the grace period.
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 1000).unref();
    server.shutdown(SHUTDOWN_GRACE_MS).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

serve().catch((error: unknown) => {
  process.stderr.write(`bench-server: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
