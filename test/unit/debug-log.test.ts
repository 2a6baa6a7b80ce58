import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBUG_ERRORS_PER_STATUS, DebugLog, debugErrorEvents } from '../../src/journal/debug-log.js';
import { BenchError } from '../../src/errors/bench-error.js';
import { makeTempDir } from '../helpers/cli-process.js';

const temp = makeTempDir('grpc-bench-debug-log-');
afterAll(() => temp.remove());

describe('debugErrorEvents', () => {
  it('keeps the first texts of each status, in the order first seen, however many the tally holds', () => {
    const tally: Record<string, number> = {};
    for (let i = 0; i < 40; i++) tally[`UNAVAILABLE: backend ${i} down`] = 1;
    tally['INTERNAL: boom: with a colon'] = 2;
    tally['DEADLINE_EXCEEDED: (no details)'] = 5;
    const events = debugErrorEvents(tally);
    expect(events.filter((event) => event.status === 'UNAVAILABLE').map((event) => event.details)).toEqual(['backend 0 down', 'backend 1 down', 'backend 2 down']);
    expect(events).toContainEqual({ event: 'error', status: 'INTERNAL', details: 'boom: with a colon', count: 2 });
    expect(events).toHaveLength(DEBUG_ERRORS_PER_STATUS + 2);
  });
});

describe('DebugLog.open', () => {
  it('makes the directory, as -o does; a path under a file is OUTPUT_UNWRITABLE naming the flag and the key', () => {
    const path = join(temp.dir, 'new', 'dir', 'debug.jsonl');
    DebugLog.open(path, () => undefined).close();
    expect(readFileSync(path, 'utf8')).toBe('');
    let error: unknown;
    try {
      DebugLog.open(join(path, 'below-a-file.jsonl'), () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BenchError);
    expect((error as BenchError).code).toBe('OUTPUT_UNWRITABLE');
    expect((error as BenchError).message).toMatch(/^debug log \(--debug, output\.debugLog\): cannot write /);
    // validate's check: the same refusal, and a new directory is not made.
    expect(() => DebugLog.check(join(path, 'below-a-file.jsonl'))).toThrow(expect.objectContaining({ code: 'OUTPUT_UNWRITABLE' }));
    DebugLog.check(join(temp.dir, 'not-made', 'debug.jsonl'));
    expect(existsSync(join(temp.dir, 'not-made'))).toBe(false);
  });
});
