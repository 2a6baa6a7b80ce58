/**
 * The one catalogue of grpc-bench errors. Every error the CLI can end with has a stable
 * `code` (match on it, also across worker threads) and the process exit code it maps to.
 * README's exit-code table is tested against `EXIT_CODES` below.
 */
export const ERROR_CATALOGUE = {
  USAGE: { exitCode: 2, summary: 'bad command-line arguments' },
  SCENARIO_INVALID: { exitCode: 3, summary: 'the scenario file or flags fail validation' },
  SCENARIO_UNREADABLE: { exitCode: 3, summary: 'the scenario file cannot be read or parsed' },
  TEMPLATE_INVALID: { exitCode: 3, summary: 'a message template has bad syntax' },
  REPORT_INVALID: { exitCode: 3, summary: 'a report file or run journal cannot be read or is not grpc-bench\'s' },
  TLS_FILE_UNREADABLE: { exitCode: 3, summary: 'a TLS certificate or key file cannot be read or is not PEM' },
  PROTO_INVALID: { exitCode: 4, summary: 'the .proto file is missing or cannot be parsed' },
  METHOD_NOT_FOUND: { exitCode: 4, summary: 'the service or method is not in the proto' },
  MESSAGE_INVALID: { exitCode: 4, summary: 'the request data does not fit the request message' },
  REFLECTION_FAILED: { exitCode: 4, summary: 'no proto was given and the target does not answer server reflection' },
  TARGET_UNREACHABLE: { exitCode: 5, summary: 'the target cannot be connected to' },
  OUTPUT_UNWRITABLE: { exitCode: 6, summary: 'a report file cannot be written' },
  ALL_REQUESTS_FAILED: { exitCode: 7, summary: 'the run finished but no response succeeded' },
  WORKER_CRASHED: { exitCode: 8, summary: 'a worker thread crashed; the partial report was written' },
  SERVER_START_FAILED: { exitCode: 9, summary: 'the reference service, the live metrics endpoint or the dashboard could not start (port in use?)' },
  THRESHOLDS_FAILED: { exitCode: 99, summary: 'one or more thresholds failed' },
  REGRESSION_DETECTED: { exitCode: 99, summary: 'compare found a regression beyond tolerance' },
  INTERRUPTED: { exitCode: 130, summary: 'interrupted by SIGINT/SIGTERM; the partial report was written if the load had started' },
  INTERNAL: { exitCode: 1, summary: 'an unexpected internal error (a bug: please report it)' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Distinct exit codes with what they mean; 0 is a run that completed and passed. */
export const EXIT_CODES: ReadonlyArray<{ exitCode: number; codes: ErrorCode[] }> = (() => {
  const byExit = new Map<number, ErrorCode[]>();
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE) as [ErrorCode, { exitCode: number }][]) {
    const list = byExit.get(entry.exitCode) ?? [];
    list.push(code);
    byExit.set(entry.exitCode, list);
  }
  return [...byExit.entries()].sort((a, b) => a[0] - b[0]).map(([exitCode, codes]) => ({ exitCode, codes }));
})();
