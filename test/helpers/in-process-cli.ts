import type { CliIo } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `grpc-bench ARGS` in this process (workers are real threads): its exit code and output; `stdin` is what it reads as standard input. */
export async function runInProcess(args: string[], cwd: string, stdin = ''): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stderrIsTTY: false,
    cwd,
    readStdin: () => Buffer.from(stdin),
    onSignal: () => () => undefined,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
