import type { WorkerResult } from '../pool/worker-protocol.js';
import type { PeerSettings } from '../driver/peer-settings.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { PeerLimitsReport } from './report.js';

/** The server's limits and, when they held streams back or the server refused some, by how much. */
export function peerLimitsReport(peer: PeerSettings, scenario: Pick<Scenario, 'load'>, results: ReadonlyArray<Pick<WorkerResult, 'concurrency'>>): PeerLimitsReport {
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
      streamsAsked: scenario.load.streams,
      connections: scenario.load.connections,
      streamsAccepted: scenario.load.streams - heldBack,
      streamsHeldBack: heldBack,
      peakStreamsPerConnection: Math.max(0, ...results.map((r) => r.concurrency?.peakStreamsPerConnection ?? 0)),
      streamsRefused: refused,
    },
  };
}
