import type { Scenario } from '../scenario/scenario-schema.js';
import type { RequestMetadata } from './check-header-list-size.js';

/**
 * The metadata each kind of stream of the scenario carries: `metadata`, laid under each
 * compare side's (`sides`: a canary scenario as `validate` sees it; each side's run has them
 * merged already), and again with `split.routed.metadata` for the routed share of streams.
 */
export function requestMetadataSets(scenario: Pick<Scenario, 'metadata' | 'compare' | 'split'>, sides: boolean): RequestMetadata[] {
  const compare = sides ? scenario.compare : undefined;
  const bases: RequestMetadata[] = compare
    ? (['baselineMetadata', 'candidateMetadata'] as const).map((side) => ({ label: `metadata + compare.${side}`, metadata: { ...scenario.metadata, ...compare[side] } }))
    : [{ label: 'metadata', metadata: scenario.metadata }];
  const routed = scenario.split?.routed;
  if (!routed || routed.share <= 0) return bases;
  return [...bases, ...bases.map((base) => ({ label: `${base.label} + split.routed.metadata`, metadata: { ...base.metadata, ...routed.metadata } }))];
}
