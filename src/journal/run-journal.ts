import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { IntervalSnapshot } from '../types/worker-protocol.js';
import type { LoadStart } from '../run/run-scenario.js';
import { cannotWriteError } from '../reporters/cannot-write-error.js';
import { journalHeader } from './journal-header.js';

/**
 * The run journal, written while the run goes: a header line, then every interval snapshot
 * as one JSON line, each with a single write straight to the file (nothing is buffered in the
 * process), so that a kill -9 loses at most the interval being written. Holds nothing of the
 * run in memory. `grpc-bench report` rebuilds a partial report from it.
 */
export class RunJournal {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly onError: (message: string) => void,
  ) {
    this.fd = fd;
  }

  /** Creates (or replaces) the journal and writes its header. Throws OUTPUT_UNWRITABLE. */
  static start(path: string, start: LoadStart, onError: (message: string) => void): RunJournal {
    let fd: number;
    try {
      fd = openSync(path, 'w');
      writeSync(fd, `${JSON.stringify(journalHeader(start))}\n`);
    } catch (error) {
      throw cannotWriteError('journal', path, error);
    }
    return new RunJournal(path, fd, onError);
  }

  /** Appends one snapshot. A failed write (disk full) stops the journal, once reported; the run goes on. */
  append(snapshot: IntervalSnapshot): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${JSON.stringify(snapshot)}\n`);
    } catch (error) {
      this.close();
      this.onError(`journal: cannot append to ${this.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the run goes on without it`);
    }
  }

  /** Stops writing; the file stays. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Stops writing and removes the file: the run's reports are written. */
  discard(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
