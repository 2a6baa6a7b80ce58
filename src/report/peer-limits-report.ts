import type { WorkerResult } from '../types/worker-protocol.js';
import type { PeerSettings } from '../driver/peer-settings.js';
import type { PlannedLoad } from '../plan/run-plan.js';
import type { PeerLimitsReport, Report } from './report.js';

/** The server's limits and, when they held streams back or the server refused some, by how much. */
export function peerLimitsReport(peer: PeerSettings, plan: { load: Pick<PlannedLoad, 'streams' | 'connections'> }, results: ReadonlyArray<Pick<WorkerResult, 'concurrency'>>): PeerLimitsReport {
  const sum = (pick: (c: NonNullable<WorkerResult['concurrency']>) => number): number => results.reduce((total, r) => total + (r.concurrency ? pick(r.concurrency) : 0), 0);
  const heldBack = sum((c) => c.heldBackStreams);
  const refused = sum((c) => c.refusedStreams);
  const report: PeerLimitsReport = {
    ...(peer.maxConcurrentStreams === undefined ? {} : { maxConcurrentStreams: peer.maxConcurrentStreams }),
    ...(peer.maxHeaderListSizeBytes === undefined ? {} : { maxHeaderListSizeBytes: peer.maxHeaderListSizeBytes }),
  };
  if (heldBack === 0 && refused === 0) return report;
  return {
    ...report,
    capped: {
      by: heldBack > 0 ? 'SETTINGS_MAX_CONCURRENT_STREAMS' : 'REFUSED_STREAM',
      streamsAsked: plan.load.streams,
      connections: plan.load.connections,
      streamsAccepted: plan.load.streams - heldBack,
      streamsHeldBack: heldBack,
      peakStreamsPerConnection: Math.max(0, ...results.map((r) => r.concurrency?.peakStreamsPerConnection ?? 0)),
      streamsRefused: refused,
    },
  };
}

/**
 * The peer limits of merged reports: the first report's settings; capped figures added up over
 * segments (parallel parts of one run), and over rounds only the refusals (each round asks the same).
 */
export function mergePeerLimits(reports: ReadonlyArray<Pick<Report, 'peerLimits'>>, mode: 'segments' | 'sequential'): PeerLimitsReport | undefined {
  const first = reports.find((r) => r.peerLimits)?.peerLimits;
  if (!first) return undefined;
  const capped = reports.map((r) => r.peerLimits?.capped).filter((c): c is NonNullable<PeerLimitsReport['capped']> => c !== undefined);
  const { capped: _firstCapped, ...settings } = first;
  if (capped.length === 0) return settings;
  const total = (pick: (c: (typeof capped)[number]) => number): number => capped.reduce((sum, c) => sum + pick(c), 0);
  const most = (pick: (c: (typeof capped)[number]) => number): number => Math.max(...capped.map(pick));
  const combine = mode === 'segments' ? total : most;
  return {
    ...settings,
    capped: {
      by: capped.some((c) => c.by === 'SETTINGS_MAX_CONCURRENT_STREAMS') ? 'SETTINGS_MAX_CONCURRENT_STREAMS' : 'REFUSED_STREAM',
      streamsAsked: combine((c) => c.streamsAsked),
      connections: combine((c) => c.connections),
      streamsAccepted: combine((c) => c.streamsAccepted),
      streamsHeldBack: combine((c) => c.streamsHeldBack),
      peakStreamsPerConnection: most((c) => c.peakStreamsPerConnection),
      streamsRefused: total((c) => c.streamsRefused),
    },
  };
}
