import { describe, expect, it } from 'vitest';
import { chooseWorkerCount, probeOrder, workerCountCandidates, type WorkerProbe } from '../../src/plan/choose-worker-count.js';

const probe = (workers: number, messagesPerSec: number): WorkerProbe => ({ workers, messagesPerSec, workerUtilization: 0.9 });

describe('workerCountCandidates and probeOrder', () => {
  it('doubles up to the cap and always includes the cap', () => {
    expect(workerCountCandidates(1)).toEqual([1]);
    expect(workerCountCandidates(2)).toEqual([1, 2]);
    expect(workerCountCandidates(6)).toEqual([1, 2, 4, 6]);
    expect(workerCountCandidates(8)).toEqual([1, 2, 4, 8]);
  });

  it('runs every candidate twice, the second pass reversed', () => {
    expect(probeOrder([1, 2, 4])).toEqual([1, 2, 4, 4, 2, 1]);
  });
});

describe('chooseWorkerCount (closed model)', () => {
  it('takes a second worker when it pays more than 5 %', () => {
    const choice = chooseWorkerCount([probe(1, 80_000), probe(2, 100_000), probe(2, 96_000), probe(1, 84_000)]);
    expect(choice.workers).toBe(2);
    expect(choice.reason).toContain('the fastest');
    expect(choice.probes).toHaveLength(4);
  });

  it('keeps one worker when a second one hurts', () => {
    expect(chooseWorkerCount([probe(1, 200_000), probe(2, 140_000), probe(2, 150_000), probe(1, 210_000)]).workers).toBe(1);
  });

  it('prefers fewer workers within 5 % of the fastest, and says so', () => {
    const choice = chooseWorkerCount([probe(1, 97_000), probe(2, 100_000), probe(2, 100_000), probe(1, 97_000)]);
    expect(choice.workers).toBe(1);
    expect(choice.reason).toContain('within 5 %');
  });

  it('averages the two probes of each count, so one disturbed probe does not decide', () => {
    // 2 workers: one probe hit by a noisy neighbour (60k) and one normal (100k): mean 80k < 1 worker's 90k.
    expect(chooseWorkerCount([probe(1, 90_000), probe(2, 60_000), probe(2, 100_000), probe(1, 90_000)]).workers).toBe(1);
    expect(chooseWorkerCount([probe(1, 70_000), probe(2, 60_000), probe(2, 100_000), probe(1, 70_000)]).workers).toBe(2);
  });
});

describe('chooseWorkerCount (open model)', () => {
  it('takes the fewest workers with 1.2 × the peak rate', () => {
    const probes = [probe(1, 50_000), probe(2, 90_000), probe(4, 120_000)];
    expect(chooseWorkerCount(probes, 30_000).workers).toBe(1);
    expect(chooseWorkerCount(probes, 50_000).workers).toBe(2);
    expect(chooseWorkerCount(probes, 90_000).workers).toBe(4);
  });

  it('falls back to the fastest count when none has the headroom', () => {
    const choice = chooseWorkerCount([probe(1, 50_000), probe(2, 90_000)], 200_000);
    expect(choice.workers).toBe(2);
    expect(choice.reason).toContain('no count reached');
  });
});
