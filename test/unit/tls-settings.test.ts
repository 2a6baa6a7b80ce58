import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flagsToOverrides } from '../../src/cli/flags-to-overrides.js';
import { checkScenario, resolveProtoPath } from '../../src/run/check-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { ORDER_PROTO_PATH } from '../../src/target/order-proto-path.js';
import { makeTempDir } from '../helpers/cli-process.js';
import { benchErrorOf } from '../helpers/bench-error-of.js';

let temp: { dir: string; remove(): void };

beforeEach(() => {
  temp = makeTempDir('grpc-bench-tls-settings-');
});

afterEach(() => temp.remove());


describe('tls settings', () => {
  it('without TLS flags there is no tls, so --insecure alone stays valid', () => {
    expect(flagsToOverrides({ insecure: true }, '127.0.0.1:1', temp.dir).tls).toBeUndefined();
    expect(loadScenario({ overrides: flagsToOverrides({ insecure: true }, '127.0.0.1:1', temp.dir), cwd: temp.dir }).tls).toBeUndefined();
  });

  it('flag paths resolve against the working directory; --server-name fills serverName', () => {
    const tls = flagsToOverrides({ cacert: 'ca.pem', 'server-name': 'orders.internal' }, undefined, temp.dir).tls;
    expect(tls).toEqual({ cacert: join(temp.dir, 'ca.pem'), cert: undefined, key: undefined, serverName: 'orders.internal' });
  });

  it.each([
    ['insecure with tls', { target: '127.0.0.1:1', insecure: true, tls: { cacert: 'ca.pem' } }, 'insecure: cannot be combined with tls'],
    ['cert without key', { target: '127.0.0.1:1', tls: { cert: 'client.pem' } }, 'tls.key: tls.cert and tls.key go together'],
    ['tls for the embedded target', { tls: { cacert: 'ca.pem' } }, 'tls: the embedded target is plaintext'],
  ])('%s is a scenario error', (_name, overrides, message) => {
    const error = benchErrorOf(() => loadScenario({ overrides, cwd: temp.dir }));
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.message).toContain(message);
  });

  it('a file that is not PEM is named with its field', () => {
    writeFileSync(join(temp.dir, 'ca.pem'), 'not a certificate\n');
    const scenario = loadScenario({ overrides: { target: '127.0.0.1:1', tls: { cacert: 'ca.pem' } }, cwd: temp.dir });
    const error = benchErrorOf(() => checkScenario(scenario));
    expect(error.code).toBe('TLS_FILE_UNREADABLE');
    expect(error.message).toContain(`tls.cacert: ${join(temp.dir, 'ca.pem')} is not a PEM certificate`);
  });
});

describe('where the method comes from', () => {
  it('the bundled proto for embedded, server reflection (no proto path) for a real target, the named file otherwise', () => {
    const base = { baseDir: temp.dir, proto: undefined, compare: undefined };
    expect(resolveProtoPath({ ...base, target: 'embedded' })).toBe(ORDER_PROTO_PATH);
    expect(resolveProtoPath({ ...base, target: '127.0.0.1:50051' })).toBeUndefined();
    expect(resolveProtoPath({ ...base, target: '127.0.0.1:50051', proto: 'x.proto' })).toBe(join(temp.dir, 'x.proto'));
  });
});
