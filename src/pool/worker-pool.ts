import { Piscina } from 'piscina';
import { workerFile } from './worker-file.js';

export interface WorkerPoolLimits {
  /** V8 old-space limit of each worker thread, MiB; absent: Node's default. */
  workerHeapMb?: number;
}

/**
 * A Piscina pool of exactly `size` worker threads, one per task of a run.
 * `atomics: 'disabled'` keeps idle workers' event loops running, which grpc-js needs.
 */
export function createWorkerPool(size: number, limits: WorkerPoolLimits = {}): Piscina {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: size,
    maxThreads: size,
    maxQueue: size,
    idleTimeout: 1000,
    atomics: 'disabled',
    ...(limits.workerHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: limits.workerHeapMb } }),
  });
  // Piscina rejects the task of a thread that dies while running one (the run reports it as
  // WORKER_CRASHED); a thread that dies with no task in flight — out of heap just after its result
  // was sent, say — is emitted as 'error' on the pool instead, which unheard would end the process.
  // Nothing it measured is lost then, so it is not an error of the run.
  pool.on('error', () => {});
  return pool;
}

/**
 * Worker threads kept for several runs in a row (the rounds of an interleaved comparison).
 * A new thread is a new V8 isolate whose compiled code and heap differ from the last one's,
 * and two runs on fresh threads differed steadily by 10 % or more; both sides of every round
 * run on the same threads instead, so that luck is shared and cancels in the ratio.
 */
export class ReusableWorkerPool {
  private pool: Piscina | undefined;
  private key = '';
  /** Pools replaced by one of another size, still shutting down: destroy() waits for them. */
  private retiring: Array<Promise<void>> = [];

  /** The pool for a run of `size` workers: the kept one when it fits, else a new one. */
  acquire(size: number, limits: WorkerPoolLimits = {}): Piscina {
    const key = `${size}/${limits.workerHeapMb ?? ''}`;
    if (this.pool && this.key === key) return this.pool;
    if (this.pool) this.retiring.push(this.pool.destroy().catch(() => {}));
    this.pool = createWorkerPool(size, limits);
    this.key = key;
    return this.pool;
  }

  async destroy(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await Promise.all([pool?.destroy(), ...this.retiring.splice(0)]);
  }
}
