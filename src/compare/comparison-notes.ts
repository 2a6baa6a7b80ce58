import { MIN_INTERVALS_FOR_SIGNIFICANCE, type ChosenDesign } from './choose-design.js';
import type { ComparisonNote, SettingDifference } from './comparison.js';
import type { ComparedSide } from './compared-side.js';

/** Fewer rounds than this leave the t-test too few degrees of freedom to find a real change of a few percent. */
const RECOMMENDED_ROUNDS = 5;

/** The settings compared, each run's value taken the same way; interval lengths differ only beyond 10 %. */
function settingDifferences(baseline: ComparedSide, candidate: ComparedSide): SettingDifference[] {
  const b = baseline.report;
  const c = candidate.report;
  const compared: SettingDifference[] = [
    { setting: 'loadModel', baseline: b.loadModel, candidate: c.loadModel },
    { setting: 'call', baseline: b.call, candidate: c.call },
    { setting: 'streams', baseline: b.settings?.streams, candidate: c.settings?.streams },
    { setting: 'connections', baseline: b.settings?.connections, candidate: c.settings?.connections },
    { setting: 'workers', baseline: b.settings?.workers, candidate: c.settings?.workers },
    { setting: 'window', baseline: b.settings?.stream?.window, candidate: c.settings?.stream?.window },
  ];
  const differences = compared.filter((d) => d.baseline !== d.candidate);
  const [bMs, cMs] = [baseline.selected.typicalMs, candidate.selected.typicalMs];
  if (Math.abs(bMs - cMs) > 0.1 * Math.min(bMs, cMs)) differences.push({ setting: 'intervalMs', baseline: Math.round(bMs), candidate: Math.round(cMs) });
  return differences;
}

/** Caveats about the comparison, as data, in the order they are shown. */
export function comparisonNotes(baseline: ComparedSide, candidate: ComparedSide, design: ChosenDesign): ComparisonNote[] {
  const notes: ComparisonNote[] = [];
  if (design.design === 'independent') notes.push({ kind: 'runsDidNotOverlap' });
  if (design.design === 'rounds' && design.rounds.length < RECOMMENDED_ROUNDS) {
    notes.push({ kind: 'fewRounds', rounds: design.rounds.length, degreesOfFreedom: design.rounds.length - 1, recommendedRounds: RECOMMENDED_ROUNDS });
  }
  for (const [role, side] of [['baseline', baseline], ['candidate', candidate]] as const) {
    const r = side.report;
    if (r.partial) notes.push({ kind: 'partialRun', role, reason: r.partialReason });
    if (r.generator?.saturated) notes.push({ kind: 'generatorSaturated', role });
    const targetRate = r.generator?.targetRate;
    if (targetRate && !targetRate.reached) notes.push({ kind: 'targetRateNotReached', role, sentPercent: targetRate.sentPercent, limitedBy: targetRate.limitedBy });
    if (design.design !== 'rounds' && side.selected.intervals.length < MIN_INTERVALS_FOR_SIGNIFICANCE) {
      notes.push({ kind: 'fewIntervals', role, intervals: side.selected.intervals.length, neededIntervals: MIN_INTERVALS_FOR_SIGNIFICANCE });
    }
  }
  const differences = settingDifferences(baseline, candidate);
  if (differences.length) notes.push({ kind: 'settingsDiffer', differences });
  if ([baseline, candidate].some((side) => side.report.notMeasured?.includes('errorCounts'))) notes.push({ kind: 'versionsOfOneRun' });
  return notes;
}
