import { describe, expect, it } from 'vitest';
import { permanentFailure } from '../../src/driver/connection-failure.js';

describe('permanentFailure', () => {
  it('names the causes retrying cannot mend, from grpc-js reasons', () => {
    expect(permanentFailure('connect ECONNREFUSED 127.0.0.1:4000')).toBe('connection refused');
    expect(permanentFailure('Protocol error')).toBe('not an HTTP/2 server');
    expect(permanentFailure('Failed to connect')).toBe('not an HTTP/2 server');
    expect(permanentFailure('read ECONNRESET')).toBe('not an HTTP/2 server');
  });

  it('leaves other reasons to the connect timeout', () => {
    expect(permanentFailure('getaddrinfo ENOTFOUND nowhere.invalid')).toBeUndefined();
    expect(permanentFailure('connect ETIMEDOUT 10.0.0.1:443')).toBeUndefined();
  });
});
