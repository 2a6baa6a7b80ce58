import { BenchError } from '../errors/bench-error.js';

/**
 * The OUTPUT_UNWRITABLE error for a report path: `<what>: cannot write <target>: <reason>`, where
 * `target` is the path (`to <dir>` for a directory) and the reason is the errno code, or the
 * error's message when it has none.
 */
export function cannotWriteError(what: string, target: string, error: unknown): BenchError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new BenchError('OUTPUT_UNWRITABLE', `${what}: cannot write ${target}: ${reason}`);
}
