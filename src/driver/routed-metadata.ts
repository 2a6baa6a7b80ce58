import type { SplitSettings } from '../types/worker-protocol.js';

/**
 * Split runs: the metadata a stream slot carries, if it is routed. Routed slots are spread
 * evenly over the run's slots: slot s (its id in the whole run) is routed when
 * ⌊(s+1)·share⌋ > ⌊s·share⌋, so any run of n slots holds ⌊n·share⌋ or ⌈n·share⌉ routed ones.
 */
export function routedMetadata(split: SplitSettings | undefined, runSlot: number): Record<string, string> | undefined {
  if (!split || split.routedShare <= 0) return undefined;
  const routed = Math.floor((runSlot + 1) * split.routedShare) > Math.floor(runSlot * split.routedShare);
  return routed ? split.routedMetadata : undefined;
}
