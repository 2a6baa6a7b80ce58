import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMemoryMetrics } from '../../../src/monitor/scrape-memory-metrics.js';

// A /metrics endpoint behind basic auth, as a scraper would meet it; it records what it was sent.
let server: Server;
let port: number;
const seen: Array<{ url: string | undefined; authorization: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url, authorization: request.headers.authorization });
    if (request.headers.authorization !== `Basic ${Buffer.from('scraper:p@ss word').toString('base64')}`) {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('process_resident_memory_bytes 123456789\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('scrapeMemoryMetrics with credentials in the URL', () => {
  it('sends them as basic auth, not in the request line, and reads the memory', async () => {
    const memory = await scrapeMemoryMetrics(`http://scraper:p%40ss%20word@127.0.0.1:${port}/metrics?job=order`, 2000);
    expect(memory).toEqual({ rssBytes: 123456789 });
    expect(seen.at(-1)).toEqual({ url: '/metrics?job=order', authorization: `Basic ${Buffer.from('scraper:p@ss word').toString('base64')}` });
  });

  it('gets no reading when the credentials are wrong', async () => {
    expect(await scrapeMemoryMetrics(`http://scraper:wrong@127.0.0.1:${port}/metrics`, 2000)).toBeUndefined();
  });
});
