/**
 * Calls `onGone` once when process `parent` (the one that started this one, read as
 * `process.ppid` before anything slow) has exited: this process is then re-parented, so
 * `process.ppid` differs. Checked every `periodMs`; the timer is unref'd so it never keeps the
 * process alive. Returns a function that stops watching.
 */
export function watchParent(parent: number, onGone: (formerParentPid: number) => void, periodMs = 1000): () => void {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone(parent);
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
