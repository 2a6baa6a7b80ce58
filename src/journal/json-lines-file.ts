import { closeSync, openSync, writeSync } from 'node:fs';
import { cannotWriteError } from '../reporters/cannot-write-error.js';

/**
 * A file written one JSON line at a time, each with a single write straight to the file (nothing
 * buffered in the process), so that a kill -9 loses at most the line being written. A failed
 * write (disk full) stops the file, reported once through `onError`; the run goes on.
 */
export class JsonLinesFile {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    private readonly what: string,
    fd: number,
    private readonly onError: (message: string) => void,
  ) {
    this.fd = fd;
  }

  /** Creates (or empties) the file and writes `firstLine` if given. Throws OUTPUT_UNWRITABLE naming `what`. */
  static create(path: string, what: string, onError: (message: string) => void, firstLine?: unknown): JsonLinesFile {
    try {
      const fd = openSync(path, 'w');
      if (firstLine !== undefined) writeSync(fd, `${JSON.stringify(firstLine)}\n`);
      return new JsonLinesFile(path, what, fd, onError);
    } catch (error) {
      throw cannotWriteError(what, path, error);
    }
  }

  append(line: unknown): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
    } catch (error) {
      this.close();
      this.onError(`${this.what}: cannot append to ${this.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the run goes on without it`);
    }
  }

  /** Stops writing; the file stays. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}
