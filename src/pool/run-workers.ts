import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { IntervalSnapshot, WorkerResult, WorkerTask } from '../types/worker-protocol.js';
import { createWorkerPool, type WorkerPoolLimits } from './worker-pool.js';

export type TaskWithoutPort = Omit<WorkerTask, 'port'>;

export interface WorkerRun {
  /** Settles once every worker has returned (or crashed). Never rejects. */
  results: Promise<WorkerOutcome[]>;
  /** Asks every worker to stop sending, drain and return what it measured. */
  stop(): void;
}

export type WorkerOutcome = { ok: true; result: WorkerResult } | { ok: false; workerId: number; message: string };

/**
 * Runs one task per worker thread on a Piscina pool sized to the task count: a new pool that
 * is destroyed afterwards, or `sharedPool` (of that size), which is left running for the next
 * run. Each task gets its own MessageChannel: snapshots come back on it, `stop` goes out on it.
 */
export function runWorkers(
  tasks: TaskWithoutPort[],
  onSnapshot: (snapshot: IntervalSnapshot) => void,
  options: WorkerPoolLimits & { sharedPool?: Piscina } = {},
): WorkerRun {
  const pool = options.sharedPool ?? createWorkerPool(tasks.length, options);
  const ports: MessagePort[] = [];
  let stopped = false;

  const runs = tasks.map(async (task): Promise<WorkerOutcome> => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1);
    // Snapshots and the result travel on different channels: wait until every snapshot the
    // worker posted has arrived, so intervals always sum to the totals.
    let received = 0;
    let expected = Infinity;
    let allArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    port1.on('message', (snapshot: IntervalSnapshot) => {
      onSnapshot(snapshot);
      if (++received >= expected) allArrived();
    });
    try {
      const result = (await pool.run({ ...task, port: port2 }, { transferList: [port2] })) as WorkerResult;
      expected = result.snapshotCount;
      if (received >= expected) allArrived();
      await arrived;
      return { ok: true, result };
    } catch (error) {
      // A worker thread died: the others stop too, and what they measured is still reported.
      stopAll();
      return { ok: false, workerId: task.share.workerId, message: (error as Error)?.message ?? String(error) };
    } finally {
      port1.close();
    }
  });

  function stopAll(): void {
    if (stopped) return;
    stopped = true;
    for (const port of ports) port.postMessage({ type: 'stop' });
  }

  const results = options.sharedPool ? Promise.all(runs) : Promise.all(runs).finally(() => pool.destroy());
  return { results, stop: stopAll };
}
