import type { ConnectionSecurity } from '../driver/channel-credentials.js';
import type { PeerSettings } from '../driver/peer-settings.js';
import { BenchError } from '../errors/bench-error.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { checkHeaderListSize, DEFAULT_HEADER_LIST_LIMIT_BYTES, type HeaderListLimit } from './check-header-list-size.js';
import { probePeerSettings } from './probe-peer-settings.js';
import { requestMetadataSets } from './request-metadata-sets.js';

/**
 * Before load, once the target is known to be reachable: reads the server's SETTINGS and checks
 * the scenario against them — request headers within its SETTINGS_MAX_HEADER_LIST_SIZE (8 KiB
 * when it advertises none), and a concurrent-stream limit that lets a stream run at all.
 * Returns the settings for the plan (streams per connection) and the report.
 */
export async function checkPeerLimits(scenario: Scenario, target: string, call: string, security: ConnectionSecurity, timeoutMs: number): Promise<PeerSettings | undefined> {
  const peer = await probePeerSettings(target, security, timeoutMs);
  if (peer?.maxConcurrentStreams === 0) {
    throw new BenchError('TARGET_UNREACHABLE', `target ${target}: the server's SETTINGS_MAX_CONCURRENT_STREAMS is 0: it accepts no streams`);
  }
  const limit: HeaderListLimit =
    peer?.maxHeaderListSizeBytes === undefined ? { bytes: DEFAULT_HEADER_LIST_LIMIT_BYTES, source: 'default' } : { bytes: peer.maxHeaderListSizeBytes, source: 'server' };
  checkHeaderListSize(requestMetadataSets(scenario, false), call, scenario.tls?.serverName ?? target, limit, scenario.sourceFile);
  return peer;
}
