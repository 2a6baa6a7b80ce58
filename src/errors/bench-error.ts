import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.js';

/**
 * An error the user can act on: one readable line (`message`) and a stable `code`.
 * Anything thrown that is not a BenchError is a bug and maps to INTERNAL.
 */
export class BenchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    // One line, always: a line break inside a quoted value is shown as "\n".
    super(message.replace(/\r\n|[\n\r\u2028\u2029]/g, '\\n'));
    this.name = 'BenchError';
    this.code = code;
  }

  get exitCode(): number {
    return ERROR_CATALOGUE[this.code].exitCode;
  }
}

/** Errors cross worker threads as plain `{code, message}`. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
}

export function isBenchError(value: unknown): value is BenchError {
  return value instanceof BenchError;
}
