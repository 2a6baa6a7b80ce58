import { z } from 'zod';
import { parseDurationMs } from './parse-duration.js';

/** A duration string in the file ("10s", "250ms"), milliseconds once parsed. */
export const durationSchema = z
  .string({ error: 'expected a duration string such as "10s" or "250ms"' })
  .transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as "10s" or "250ms"' });
      return z.NEVER;
    }
    return ms;
  });

/** A duration that must be longer than zero (a run, a stream's life, a timeout, a sampling period). */
export const positiveDurationSchema = durationSchema.refine((ms) => ms > 0, { error: 'must be longer than 0' });

export const positiveIntSchema = z.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'must be ≥ 1');
