import type { Report } from '../report/report.js';
import { count } from './format-units.js';

const streamsText = (n: number): string => `${count(n)} stream${n === 1 ? '' : 's'}`;

/**
 * What the server's concurrent-stream limit or its refusals did to the run, one sentence each,
 * when they held it back; nothing otherwise. Shared by the text formats.
 */
export function peerLimitsLines(limits: Report['peerLimits']): string[] {
  const capped = limits?.capped;
  if (!capped) return [];
  const lines: string[] = [];
  if (capped.streamsHeldBack > 0) {
    lines.push(
      `capped by the server's SETTINGS_MAX_CONCURRENT_STREAMS ${count(limits!.maxConcurrentStreams ?? 0)}: asked ${streamsText(capped.streamsAsked)} over ${count(capped.connections)} connection${capped.connections === 1 ? '' : 's'}, ` +
        `${count(capped.streamsAccepted)} ran (at most ${count(capped.peakStreamsPerConnection)} at once per connection); ${count(capped.streamsHeldBack)} waited the whole run, neither active nor failed`,
    );
  }
  if (capped.streamsRefused > 0) lines.push(`the server refused ${streamsText(capped.streamsRefused)} (RST_STREAM REFUSED_STREAM), counted as failed (UNAVAILABLE)`);
  return lines;
}
