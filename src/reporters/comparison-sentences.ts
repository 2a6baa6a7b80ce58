import type { RatioInterval } from '../compare/bootstrap-ratio.js';
import type { Comparison, ComparisonNote, Design, MetricComparison, SettingDifference } from '../compare/comparison.js';
import { judgedChange, worsening } from '../compare/judged-change.js';
import { MIN_ROUNDS_FOR_TEST } from '../compare/round-ratio-test.js';

/*
 * The English of a Comparison: each metric's finding, the headline and the notes. The console,
 * markdown, HTML and JSON outputs all show these sentences (see described-comparison.ts).
 */

const percent = (fraction: number, digits = 1): string => `${(Math.abs(fraction) * 100).toFixed(digits)} %`;

function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p < 0.01 ? p.toFixed(4) : p.toFixed(3)}`;
}

function evidence(significant: boolean, pValue: number | undefined, ratio: RatioInterval | undefined): string {
  if (pValue === undefined) return 'not tested';
  const parts = [formatP(pValue)];
  if (ratio) parts.push(`${Math.round(ratio.confidence * 100)} % CI of ratio ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)}`);
  return `${significant ? 'significant' : 'not significant'}: ${parts.join(', ')}`;
}

/** "candidate is 12.3 % slower at P99" and the like; `worse` is a fraction, > 0 when the candidate is worse. */
function changePhrase(m: MetricComparison, worse: number): string {
  if (worse === 0) return `no change in ${m.label}`;
  if (m.metric === 'messagesPerSec') return `candidate has ${percent(worse)} ${worse > 0 ? 'lower' : 'higher'} throughput (${m.label})`;
  return `candidate is ${percent(worse)} ${worse > 0 ? 'slower' : 'faster'} at ${m.label}`;
}

/** Why a sample metric has no test, by design. */
function untestedReason(design: Design): string {
  return design === 'rounds' ? `fewer than ${MIN_ROUNDS_FOR_TEST} rounds with responses on both sides` : 'no usable intervals on one side';
}

/** One sentence: who is worse, by how much, and the evidence. `design`: the Comparison's. */
export function metricFinding(m: MetricComparison, design: Design): string {
  const { baseline: b, candidate: c } = m;
  // Shares (the error rate, a flow step's timeouts, a check's pass rate), judged in percentage points.
  if (m.unit === '%') return `${c === b ? `no change in ${m.label}` : `candidate's ${m.label} is ${Math.abs(c - b).toFixed(2)} pp ${c > b ? 'higher' : 'lower'}`} (${evidence(m.significant, m.pValue, undefined)})`;
  switch (m.metric) {
    case 'streamsFailed':
      return `candidate failed ${c === b ? 'as many' : `${Math.abs(c - b)} ${c > b ? 'more' : 'fewer'}`} streams`;
    case 'targetMemoryGrowth':
      return `the candidate target's memory grows ${(Math.abs(m.absoluteChange) / 1048576).toFixed(2)} MiB/min ${m.absoluteChange >= 0 ? 'faster' : 'slower'}`;
    default: {
      const phrase = changePhrase(m, worsening(m.direction, judgedChange(m)));
      return m.test ? `${phrase} (${evidence(m.significant, m.pValue, m.test.ratio)})` : `${phrase} (not tested: ${untestedReason(design)})`;
    }
  }
}

/** "P99 +2.1 %": the judged change, candidate against baseline. */
function shortChange(m: MetricComparison): string {
  const signed = (value: number, digits: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`;
  if (m.unit === '%') return `${m.label} ${signed(m.absoluteChange, 2)} pp`;
  const relative = judgedChange(m);
  return relative === undefined ? `${m.label} unchanged` : `${m.label} ${signed(relative * 100, 1)} %`;
}

/** The outcome in one sentence, naming the slower side and by how much. */
export function comparisonHeadline(comparison: Pick<Comparison, 'verdict' | 'design' | 'metrics'>): string {
  const judged = comparison.metrics.filter((m) => m.verdict !== 'info');
  const findings = (verdict: MetricComparison['verdict']): string =>
    judged
      .filter((m) => m.verdict === verdict)
      .map((m) => metricFinding(m, comparison.design))
      .join('; ');
  if (comparison.verdict === 'fail') return `regression: ${findings('fail')}`;
  if (comparison.verdict === 'inconclusive') return `inconclusive: ${findings('inconclusive')} — worse than the tolerance but not significant; run longer or on a quieter machine`;
  return `pass: no metric is worse than its tolerance (${judged.map(shortChange).join(', ')})`;
}

const SETTING_NAMES: Record<SettingDifference['setting'], string> = {
  loadModel: 'load model',
  call: 'call',
  streams: 'streams',
  connections: 'connections',
  workers: 'workers',
  window: 'window',
  intervalMs: 'interval length',
};

function settingDifference(d: SettingDifference): string {
  return `${SETTING_NAMES[d.setting]} ${String(d.baseline)} vs ${String(d.candidate)}${d.setting === 'intervalMs' ? ' ms' : ''}`;
}

/** A note in words. */
export function noteSentence(note: ComparisonNote): string {
  switch (note.kind) {
    case 'runsDidNotOverlap':
      return 'the runs did not overlap in time, so machine drift between them counts as a difference; on a shared machine run baseline and candidate at the same time';
    case 'fewRounds':
      return `only ${note.rounds} rounds: the test has ${note.degreesOfFreedom} degrees of freedom and misses changes of a few percent; use ${note.recommendedRounds} or more`;
    case 'partialRun':
      return `${note.role} run is partial (${note.reason ?? 'ended early'})`;
    case 'generatorSaturated':
      return `${note.role} run's load generator was saturated; its latencies include client-side queueing`;
    case 'targetRateNotReached':
      return `${note.role} run sent ${note.sentPercent} % of its scheduled requests (limited by the ${note.limitedBy}): the two runs may not have carried the same load`;
    case 'fewIntervals':
      return `${note.role} has only ${note.intervals} usable intervals; at least ${note.neededIntervals} per run are needed for a significant result — run longer`;
    case 'settingsDiffer':
      return `the runs differ in settings: ${note.differences.map(settingDifference).join(', ')}`;
    case 'toleranceNotUsed':
      return `tolerances given for metrics not compared (no such step or check in both flows): ${note.metrics.join(', ')}`;
    case 'versionsOfOneRun':
      return "two versions of one split run: errors and failed streams are counted for the whole run only, so they are not compared; a version's messages/s follows its share of the streams (the router's weights), so it is shown, not judged";
    case 'flowPartsNotCompared': {
      const only = (role: string, names: string[]): string[] => (names.length ? [`only the ${role}'s flow has ${names.join(', ')}`] : []);
      return `flow steps and checks compared only where both runs have them: ${[...only('baseline', note.baselineOnly), ...only('candidate', note.candidateOnly)].join('; ')}`;
    }
  }
}
