import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
const r = (f) => readFileSync('/tmp/tlsexp/' + f);
async function server(tls, mtls) {
  const s = new grpc.Server();
  const creds = tls ? grpc.ServerCredentials.createSsl(mtls ? r('ca.pem') : null, [{ private_key: r('server.key'), cert_chain: r('server.pem') }], !!mtls) : grpc.ServerCredentials.createInsecure();
  const port = await new Promise((res, rej) => s.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? rej(e) : res(p))));
  return { s, port };
}
async function probe(name, port, creds, opts = {}) {
  const c = new grpc.Client(`127.0.0.1:${port}`, creds, { 'grpc.use_local_subchannel_pool': 1, ...opts });
  const err = await new Promise((res) => c.waitForReady(Date.now() + 1500, (e) => res(e)));
  let detail = '';
  if (err) {
    detail = await new Promise((res) => c.makeUnaryRequest('/x.Y/Z', (x) => x, (x) => x, Buffer.alloc(0), new grpc.Metadata(), { deadline: Date.now() + 1500 }, (e) => res(e ? `${e.code} ${e.details}` : 'ok')));
  }
  console.log(name, err ? err.message : 'READY', '|', detail);
  c.close();
}
const tls = await server(true), plain = await server(false), mtls = await server(true, true);
await probe('good', tls.port, grpc.credentials.createSsl(r('ca.pem')));
await probe('wrongca', tls.port, grpc.credentials.createSsl(r('other.pem')));
await probe('insecure->tls', tls.port, grpc.credentials.createInsecure());
await probe('tls->plain', plain.port, grpc.credentials.createSsl(r('ca.pem')));
await probe('wrongname', tls.port, grpc.credentials.createSsl(r('ca.pem')), { 'grpc.ssl_target_name_override': 'orders.internal', 'grpc.default_authority': 'orders.internal' });
await probe('mtls ok', mtls.port, grpc.credentials.createSsl(r('ca.pem'), r('client.key'), r('client.pem')));
await probe('mtls nocert', mtls.port, grpc.credentials.createSsl(r('ca.pem')));
await probe('default roots', tls.port, grpc.credentials.createSsl());
for (const x of [tls, plain, mtls]) x.s.forceShutdown();
