import { rmSync } from 'node:fs';
import type { IntervalSnapshot } from '../types/worker-protocol.js';
import type { LoadStart } from '../run/run-scenario.js';
import { journalHeader } from './journal-header.js';
import { JsonLinesFile } from './json-lines-file.js';

/**
 * The run journal, written while the run goes: a header line, then every interval snapshot
 * as one JSON line, each with a single write straight to the file (nothing is buffered in the
 * process), so that a kill -9 loses at most the interval being written. Holds nothing of the
 * run in memory. `grpc-bench report` rebuilds a partial report from it.
 */
export class RunJournal {
  private constructor(private readonly file: JsonLinesFile) {}

  get path(): string {
    return this.file.path;
  }

  /** Creates (or replaces) the journal and writes its header. Throws OUTPUT_UNWRITABLE. */
  static start(path: string, start: LoadStart, onError: (message: string) => void): RunJournal {
    return new RunJournal(JsonLinesFile.create(path, 'journal', onError, journalHeader(start)));
  }

  /** Appends one snapshot. A failed write (disk full) stops the journal, once reported; the run goes on. */
  append(snapshot: IntervalSnapshot): void {
    this.file.append(snapshot);
  }

  /** Stops writing; the file stays. */
  close(): void {
    this.file.close();
  }

  /** Stops writing and removes the file: the run's reports are written. */
  discard(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}
