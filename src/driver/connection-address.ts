import { lookup as dnsLookup } from 'node:dns';
import type { LoadBalancingPolicy } from '../types/load-balancing.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * The address one http2 connection dials. pick_first: none chosen here (the system connects to
 * the first address that answers, as a plain connect does). round_robin: the addresses in
 * resolver order, one per connection in turn; the worker id staggers where each worker starts,
 * so workers with one connection each also spread.
 */
export function connectionAddress(policy: LoadBalancingPolicy, addresses: readonly ResolvedAddress[], connectionIndex: number, workerId: number): ResolvedAddress | undefined {
  if (policy !== 'round_robin' || addresses.length === 0) return undefined;
  return addresses[(connectionIndex + workerId) % addresses.length];
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect that resolves every address of the name and dials the one
 * connectionAddress picks (answering in the shape the caller asked for: one address, or a list).
 */
export function roundRobinLookup(connectionIndex: number, workerId: number) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : '');
      const chosen = connectionAddress('round_robin', addresses, connectionIndex, workerId) ?? addresses[0]!;
      if (options.all) callback(null, [chosen]);
      else callback(null, chosen.address, chosen.family);
    });
  };
}
