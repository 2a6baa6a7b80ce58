let installed = false;

/**
 * grpc-js always sends the target's host as the TLS server name, and Node warns (DEP0123)
 * the first time that name is an IP address — a stray stderr line on every TLS run against
 * `127.0.0.1:port`. This drops that one warning in the calling thread; every other warning
 * passes through unchanged.
 */
export function quietIpServernameWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const options = args[1];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : args[2];
    if (code === 'DEP0123') return;
    emitWarning(...args);
  }) as typeof process.emitWarning;
}
