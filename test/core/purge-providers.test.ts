import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { fetchSender, PurgeFailed, purgeRequests, sendPurge } from '../../src/core/purge/requests';
import type { PurgeScope, PurgeTargetConfig } from '../../src/core/purge/types';

interface Seen {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

/** A loopback stand-in for a provider's API: records each request, answers with the next status queued (200 when none). */
let server: ReturnType<typeof Bun.serve>;
let base: string;
const seen: Seen[] = [];
const statuses: number[] = [];
beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      seen.push({ method: request.method, path: url.pathname, query: url.search, headers: Object.fromEntries(request.headers), body: await request.text() });
      const status = statuses.shift() ?? 200;
      return Response.json(status === 200 ? { success: true } : { success: false }, { status });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

const imageScope: PurgeScope = {
  event: 'image.replaced',
  clientId: 'acme',
  imageId: 'IMG123',
  tags: ['img-IMG123'],
  urls: ['https://cdn.example.com/t/acme/preset:thumb/IMG123.webp', 'https://cdn.example.com/t/acme/preset:thumb/IMG123.jpg'],
};
const message = { id: 'msg_1', timestamp: 1_767_225_600 };

async function run(target: PurgeTargetConfig, scope: PurgeScope = imageScope) {
  seen.length = 0;
  await sendPurge(purgeRequests(target, scope, message), fetchSender());
  return seen.splice(0);
}

/** The headers the test cares about, without what the client adds on its own (host, user-agent, accept-encoding, …). */
const pick = (headers: Record<string, string>, names: string[]) => Object.fromEntries(names.map((n) => [n, headers[n]]));

describe('Cloudflare: POST /zones/{zone_id}/purge_cache, Bearer token, { tags } then { files }', () => {
  test('tags in one call, URLs in another', async () => {
    const requests = await run({ kind: 'cloudflare', zoneId: 'zone42', apiToken: 'cf-token', apiBase: `${base}/client/v4` });
    expect(requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['POST', '/client/v4/zones/zone42/purge_cache', ''],
      ['POST', '/client/v4/zones/zone42/purge_cache', ''],
    ]);
    for (const r of requests) {
      expect(pick(r.headers, ['authorization', 'content-type'])).toEqual({ authorization: 'Bearer cf-token', 'content-type': 'application/json' });
    }
    expect(requests[0]!.body).toBe('{"tags":["img-IMG123"]}');
    expect(requests[1]!.body).toBe(JSON.stringify({ files: imageScope.urls }));
  });

  test('at most 30 URLs a call; a wildcard URL is not sent (Cloudflare files take none)', async () => {
    const urls = Array.from({ length: 31 }, (_, i) => `https://cdn.example.com/t/acme/preset:p${i}/IMG123.webp`);
    const requests = await run({ kind: 'cloudflare', zoneId: 'z', apiToken: 't', apiBase: base }, { ...imageScope, tags: [], urls: [...urls, 'https://cdn.example.com/t/acme/preset:x/*'] });
    expect(requests.map((r) => JSON.parse(r.body).files.length)).toEqual([30, 1]);
  });

  test('the default API base is Cloudflare\'s', () => {
    const [request] = purgeRequests({ kind: 'cloudflare', zoneId: 'z', apiToken: 't' }, imageScope, message);
    expect(request!.url).toBe('https://api.cloudflare.com/client/v4/zones/z/purge_cache');
  });
});

describe('Fastly: POST /service/{service_id}/purge, Fastly-Key, Surrogate-Key header', () => {
  test('the keys space-separated in one call, no body', async () => {
    const requests = await run({ kind: 'fastly', serviceId: 'SVC1', apiToken: 'fastly-token', apiBase: base }, { ...imageScope, tags: ['img-IMG123', 'client-acme'] });
    expect(requests).toHaveLength(1);
    expect([requests[0]!.method, requests[0]!.path]).toEqual(['POST', '/service/SVC1/purge']);
    expect(pick(requests[0]!.headers, ['fastly-key', 'surrogate-key'])).toEqual({ 'fastly-key': 'fastly-token', 'surrogate-key': 'img-IMG123 client-acme' });
    expect(requests[0]!.body).toBe('');
  });

  test('the default API base is Fastly\'s', () => {
    expect(purgeRequests({ kind: 'fastly', serviceId: 'S', apiToken: 't' }, imageScope, message)[0]!.url).toBe('https://api.fastly.com/service/S/purge');
  });
});

describe('BunnyCDN: POST /purge?url=<encoded>, AccessKey', () => {
  test('one call per URL, the URL encoded in the query, no body', async () => {
    const requests = await run({ kind: 'bunny', accessKey: 'bunny-key', apiBase: base });
    expect(requests.map((r) => [r.method, r.path, r.query])).toEqual(
      imageScope.urls.map((u) => ['POST', '/purge', `?url=${encodeURIComponent(u)}`]),
    );
    expect(new URLSearchParams(requests[0]!.query).get('url')).toBe(imageScope.urls[0]!);
    for (const r of requests) {
      expect(r.headers.accesskey).toBe('bunny-key');
      expect(r.body).toBe('');
    }
  });

  test('a preset event purges the preset\'s URLs by wildcard', async () => {
    const wildcard = 'https://cdn.example.com/t/acme/preset:thumb/*';
    const requests = await run({ kind: 'bunny', accessKey: 'k', apiBase: base }, { event: 'preset.deleted', clientId: 'acme', imageId: null, tags: ['client-acme'], urls: [wildcard] });
    expect(requests.map((r) => r.query)).toEqual([`?url=${encodeURIComponent(wildcard)}`]);
  });

  test('the default API base is Bunny\'s', () => {
    expect(purgeRequests({ kind: 'bunny', accessKey: 'k' }, imageScope, message)[0]!.url).toStartWith('https://api.bunny.net/purge?url=https%3A%2F%2Fcdn.example.com%2Ft%2Facme%2F');
  });
});

describe('HTTP hook: POST <url> { event, imageId, clientId, urls, tags }', () => {
  test('unsigned without a secret', async () => {
    const requests = await run({ kind: 'http', url: `${base}/hooks/purge?x=1` });
    expect(requests.map((r) => [r.method, r.path, r.query])).toEqual([['POST', '/hooks/purge', '?x=1']]);
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(requests[0]!.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(requests[0]!.body)).toEqual({ event: 'image.replaced', imageId: 'IMG123', clientId: 'acme', urls: imageScope.urls, tags: ['img-IMG123'] });
  });

  test('signed the Standard Webhooks way with a secret', async () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const requests = await run({ kind: 'http', url: `${base}/hook`, secret: `whsec_${key.toString('base64')}` });
    const r = requests[0]!;
    expect(pick(r.headers, ['webhook-id', 'webhook-timestamp'])).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1767225600' });
    const expected = createHmac('sha256', key).update(`msg_1.1767225600.${r.body}`).digest('base64');
    expect(r.headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});

describe('failure', () => {
  const targets: PurgeTargetConfig[] = [
    { kind: 'cloudflare', zoneId: 'z', apiToken: 't', apiBase: '' },
    { kind: 'fastly', serviceId: 's', apiToken: 't', apiBase: '' },
    { kind: 'bunny', accessKey: 'k', apiBase: '' },
    { kind: 'http', url: '' },
  ];
  for (const template of targets) {
    test(`${template.kind}: a 5xx fails the purge with its status`, async () => {
      const target = { ...template, ...('url' in template ? { url: `${base}/hook` } : { apiBase: base }) } as PurgeTargetConfig;
      statuses.push(503);
      const error = await run(target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PurgeFailed);
      expect((error as PurgeFailed).status).toBe(503);
      expect((error as PurgeFailed).message).toContain('answered 503');
    });
  }

  test('a provider that does not answer fails with no status', async () => {
    const error = await sendPurge(purgeRequests({ kind: 'http', url: 'http://127.0.0.1:1/hook' }, imageScope, message), fetchSender()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeFailed);
    expect((error as PurgeFailed).status).toBeNull();
  });
});
