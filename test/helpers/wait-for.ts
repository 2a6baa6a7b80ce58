import type { ChildProcess } from 'node:child_process';

/** Resolves with the child's stderr so far once it matches `pattern`; rejects if the child exits first. */
export function waitForStderr(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stderr!.off('data', onData);
        child.off('close', onClose);
        resolve(seen);
      }
    };
    const onClose = (): void => reject(new Error(`the process exited before its stderr matched ${pattern}: ${seen}`));
    child.stderr!.on('data', onData);
    child.once('close', onClose);
  });
}

/**
 * Resolves once `check` returns a value other than undefined, checking every `everyMs` (a
 * file filling up, a counter): a condition waited for, not a delay. Rejects after `limitMs`.
 */
export async function waitUntil<T>(check: () => T | undefined, what: string, limitMs = 20_000, everyMs = 50): Promise<T> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
