/** Client load-balancing policies, named as gRPC names them (ghz's --lb-strategy values). */
export const LOAD_BALANCING_POLICIES = ['pick_first', 'round_robin'] as const;
export type LoadBalancingPolicy = (typeof LOAD_BALANCING_POLICIES)[number];
