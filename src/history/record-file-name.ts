import type { RunRecord } from './run-record.js';

/** Record files end so; files starting with "." (a write in progress) are never records. */
export const RECORD_SUFFIX = '.json';

/**
 * `20261207T023000Z-nightly-gate-3f9c0a1b2c3d4e5f.json`: sorts by the run's start in a listing,
 * names the scenario, and ends with the run's id, so two runs never share a name.
 */
export function recordFileName(record: Pick<RunRecord, 'startedAt' | 'name' | 'runId'>): string {
  const started = new Date(record.startedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = record.name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 60) || 'run';
  return `${started}-${name}-${record.runId}${RECORD_SUFFIX}`;
}
