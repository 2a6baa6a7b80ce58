import { closeSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A name in `dir` no other writer uses: hidden, with this process's id and a random part. */
export function tempPathIn(dir: string, forName: string): string {
  return join(dir, `.${forName}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/**
 * Writes `text` to `path` so that a reader (or a kill -9 at any moment) sees the old file or
 * the whole new one, never half of it: into a temporary file in the same directory, then
 * renamed over `path`. A path that exists and is not a regular file (/dev/stdout, a FIFO) is
 * written in place, since it cannot be renamed over. Throws the file system's error.
 */
export function writeFileAtomic(path: string, text: string): void {
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const temp = tempPathIn(dirname(path), basename(path));
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
