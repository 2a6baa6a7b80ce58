import { readFile } from 'node:fs/promises';

/** Resident set size of one process. */
export interface ProcessMemory {
  rssBytes: number;
}

const BYTES_PER_KB = 1024;

/** Codes meaning the process (or its /proc entry) no longer exists. */
const GONE_CODES = new Set(['ENOENT', 'ESRCH']);

/**
 * Reads a process's resident set size from `/proc/<pid>/status` (the `VmRSS:` line, which
 * the kernel reports in kB, i.e. KiB). Linux only: elsewhere there is no /proc and the
 * result is always undefined.
 *
 * Resolves with undefined when the process is gone: no /proc entry, or a zombie whose
 * status no longer has a VmRSS line. Other read errors (e.g. EACCES) reject, and so does a
 * pid that is not a positive whole number (RangeError).
 */
export async function readProcessMemory(pid: number): Promise<ProcessMemory | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`pid must be a positive whole number, got ${pid}`);
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    if (GONE_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  const rssKb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return rssKb === undefined ? undefined : { rssBytes: Number(rssKb) * BYTES_PER_KB };
}
