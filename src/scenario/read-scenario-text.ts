import { readFileSync } from 'node:fs';
import { BenchError } from '../errors/bench-error.js';

/**
 * The most a scenario file may hold. Parsing YAML costs about 30 µs per key here, so the cap
 * keeps the slowest file that passes under about 1.5 s; a scenario is a few kilobytes.
 */
export const MAX_SCENARIO_BYTES = 512 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function unreadable(file: string, reason: string): BenchError {
  return new BenchError('SCENARIO_UNREADABLE', `${file}: ${reason}`);
}

/** The text of a scenario file, checked to be UTF-8 (a UTF-8 byte-order mark is dropped) and of a sane size. */
export function readScenarioText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory; expected a YAML file' : (error as Error).message;
    throw unreadable(file, `cannot read the scenario: ${reason}`);
  }
  if (bytes.length > MAX_SCENARIO_BYTES) {
    throw unreadable(file, `${bytes.length} bytes is more than a scenario file may hold (${MAX_SCENARIO_BYTES} bytes)`);
  }
  const [b0, b1] = bytes;
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || bytes.includes(0)) {
    throw unreadable(file, 'is UTF-16 (or holds NUL bytes); UTF-16 is not supported: save the file as UTF-8');
  }
  const start = UTF8_BOM.every((byte, i) => bytes[i] === byte) ? UTF8_BOM.length : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    const text = bytes.subarray(start).toString('utf8');
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    throw unreadable(file, `line ${line}: not valid UTF-8; save the file as UTF-8`);
  }
}
