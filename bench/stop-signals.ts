/**
 * Benchmark servers run until their parent says stop: stdin closing (the parent exited or
 * ended the pipe) or SIGTERM/SIGINT. `stop` is called once, whichever comes first.
 */
export function onStopRequest(stop: () => void): void {
  let stopping = false;
  const once = (): void => {
    if (stopping) return;
    stopping = true;
    stop();
  };
  process.on('SIGTERM', once);
  process.on('SIGINT', once);
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.on('error', once);
  process.stdin.resume();
}
