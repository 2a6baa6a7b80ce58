import type { LoadBalancingPolicy } from '../types/load-balancing.js';

/** The gRPC service config (JSON text, for grpc-js's `grpc.service_config`) that selects the policy. */
export function loadBalancingServiceConfig(policy: LoadBalancingPolicy): string {
  return JSON.stringify({ loadBalancingConfig: [{ [policy]: {} }] });
}
