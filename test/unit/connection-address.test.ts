import { lookup } from 'node:dns';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { connectionAddress, roundRobinLookup, type ResolvedAddress } from '../../src/driver/connection-address.js';
import { loadBalancingServiceConfig } from '../../src/driver/load-balancing-service-config.js';

const TWO = [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }];

describe('connectionAddress: which resolved address an http2 connection dials', () => {
  it('pick_first chooses none (the system dials the first that answers, as before)', () => {
    expect(connectionAddress('pick_first', TWO, 3, 1)).toBeUndefined();
  });

  it('round_robin: connections take the addresses in turn, each worker starting one further on', () => {
    expect([0, 1, 2, 3].map((index) => connectionAddress('round_robin', TWO, index, 0)?.address)).toEqual(['127.0.0.1', '::1', '127.0.0.1', '::1']);
    // Two workers of one connection each land on both addresses.
    expect([0, 1].map((workerId) => connectionAddress('round_robin', TWO, 0, workerId)?.address)).toEqual(['127.0.0.1', '::1']);
    // Four connections over two workers: each address twice.
    const dialled = [0, 1].flatMap((workerId) => [0, 1].map((index) => connectionAddress('round_robin', TWO, index, workerId)!.address));
    expect(dialled.filter((address) => address === '::1')).toHaveLength(2);
  });

  it('round_robin with nothing resolved chooses none', () => {
    expect(connectionAddress('round_robin', [], 0, 0)).toBeUndefined();
  });
});

describe('loadBalancingServiceConfig', () => {
  it.each(['pick_first', 'round_robin'] as const)('%s: a service config grpc-js accepts, naming the policy', async (policy) => {
    const text = loadBalancingServiceConfig(policy);
    expect(JSON.parse(text)).toEqual({ loadBalancingConfig: [{ [policy]: {} }] });
    // grpc-js parses the service config when the channel is built: a malformed one throws here.
    const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure(), { 'grpc.service_config': text });
    client.close();
  });
});

describe('roundRobinLookup: what net/tls connect is told', () => {
  const resolved = (): Promise<ResolvedAddress[]> => new Promise((resolve, reject) => lookup('localhost', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
  const ask = (all: boolean, index: number): Promise<unknown[]> => new Promise((resolve) => roundRobinLookup(index, 0)('localhost', { all }, (...args) => resolve(args)));

  it('answers in the shape asked for (a list, or one address and its family) with the address the connection takes', async () => {
    const addresses = await resolved();
    for (const index of [0, 1]) {
      const chosen = addresses[index % addresses.length]!;
      expect(await ask(true, index)).toEqual([null, [chosen]]);
      expect(await ask(false, index)).toEqual([null, chosen.address, chosen.family]);
    }
  });
});
