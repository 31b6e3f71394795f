import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { guardedSender, PurgeFailed, purgeRequests, sendPurge } from '../../src/core/purge/requests';
import type { PurgeScope, PurgeTargetConfig } from '../../src/core/purge/types';

/** One request as it arrived: everything but the transport's own headers, and the body's bytes. */
interface Seen {
  method: string;
  /** Path and query, as sent. */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Headers the transport adds, not the purge request: `host` (the URL's own, checked in
 * ssrf-guard.test.ts) and `connection` (how the socket is kept). Everything else is compared,
 * `content-length` and `user-agent` included; a header added or missing fails.
 */
const TRANSPORT_HEADERS = new Set(['host', 'connection']);
const recorded = async (request: Request): Promise<Seen> => {
  const url = new URL(request.url);
  return {
    method: request.method,
    target: url.pathname + url.search,
    headers: Object.fromEntries([...request.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name))),
    body: Buffer.from(await request.arrayBuffer()),
  };
};

/** The request a provider documents, as it must arrive: its headers, plus the user agent and the length of its body. */
const documented = (target: string, headers: Record<string, string>, body: string): Seen => ({
  method: 'POST',
  target,
  headers: { ...headers, 'user-agent': 'imgapi-purge', 'content-length': String(Buffer.byteLength(body)) },
  body: Buffer.from(body, 'utf8'),
});

/** A loopback stand-in for a provider's API: records each request whole, answers with the next status queued (200 when none). */
let server: ReturnType<typeof Bun.serve>;
let base: string;
const seen: Seen[] = [];
const statuses: number[] = [];
beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      seen.push(await recorded(request));
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

/** The production sender (the SSRF guard, resolved once, outboundPost); loopback allowed as IMGAPI_WEBHOOK_ALLOW_PRIVATE=1 would. */
const send = guardedSender({ allowPrivate: true });

async function run(target: PurgeTargetConfig, scope: PurgeScope = imageScope) {
  seen.length = 0;
  await sendPurge(purgeRequests(target, scope, message), send);
  return seen.splice(0);
}

describe('Cloudflare: POST /zones/{zone_id}/purge_cache, Bearer token, { tags } then { files }', () => {
  test('tags in one call, URLs in another', async () => {
    const requests = await run({ kind: 'cloudflare', zoneId: 'zone42', apiToken: 'cf-token', apiBase: `${base}/client/v4` });
    const headers = { authorization: 'Bearer cf-token', 'content-type': 'application/json' };
    expect(requests).toEqual([
      documented('/client/v4/zones/zone42/purge_cache', headers, '{"tags":["img-IMG123"]}'),
      documented('/client/v4/zones/zone42/purge_cache', headers, '{"files":["https://cdn.example.com/t/acme/preset:thumb/IMG123.webp","https://cdn.example.com/t/acme/preset:thumb/IMG123.jpg"]}'),
    ]);
  });

  test('at most 30 URLs a call; a wildcard URL is not sent (Cloudflare files take none)', async () => {
    const urls = Array.from({ length: 31 }, (_, i) => `https://cdn.example.com/t/acme/preset:p${i}/IMG123.webp`);
    const requests = await run({ kind: 'cloudflare', zoneId: 'z', apiToken: 't', apiBase: base }, { ...imageScope, tags: [], urls: [...urls, 'https://cdn.example.com/t/acme/preset:x/*'] });
    expect(requests.map((r) => JSON.parse(r.body.toString()).files.length)).toEqual([30, 1]);
    expect(requests[1]).toEqual(documented('/zones/z/purge_cache', { authorization: 'Bearer t', 'content-type': 'application/json' }, '{"files":["https://cdn.example.com/t/acme/preset:p30/IMG123.webp"]}'));
  });

  test('the default API base is Cloudflare\'s', () => {
    const [request] = purgeRequests({ kind: 'cloudflare', zoneId: 'z', apiToken: 't' }, imageScope, message);
    expect(request!.url).toBe('https://api.cloudflare.com/client/v4/zones/z/purge_cache');
  });
});

describe('Fastly: POST /service/{service_id}/purge, Fastly-Key, Surrogate-Key header', () => {
  test('the keys space-separated in one call, no body', async () => {
    const requests = await run({ kind: 'fastly', serviceId: 'SVC1', apiToken: 'fastly-token', apiBase: base }, { ...imageScope, tags: ['img-IMG123', 'client-acme'] });
    expect(requests).toEqual([
      documented('/service/SVC1/purge', { 'fastly-key': 'fastly-token', 'surrogate-key': 'img-IMG123 client-acme', accept: 'application/json' }, ''),
    ]);
  });

  test('the default API base is Fastly\'s', () => {
    expect(purgeRequests({ kind: 'fastly', serviceId: 'S', apiToken: 't' }, imageScope, message)[0]!.url).toBe('https://api.fastly.com/service/S/purge');
  });
});

describe('BunnyCDN: POST /purge?url=<encoded>, AccessKey', () => {
  test('one call per URL, the URL encoded in the query, no body', async () => {
    const requests = await run({ kind: 'bunny', accessKey: 'bunny-key', apiBase: base });
    expect(requests).toEqual([
      documented('/purge?url=https%3A%2F%2Fcdn.example.com%2Ft%2Facme%2Fpreset%3Athumb%2FIMG123.webp', { accesskey: 'bunny-key' }, ''),
      documented('/purge?url=https%3A%2F%2Fcdn.example.com%2Ft%2Facme%2Fpreset%3Athumb%2FIMG123.jpg', { accesskey: 'bunny-key' }, ''),
    ]);
    expect(new URLSearchParams(requests[0]!.target.split('?')[1]).get('url')).toBe(imageScope.urls[0]!);
  });

  test('a preset event purges the preset\'s URLs by wildcard', async () => {
    const wildcard = 'https://cdn.example.com/t/acme/preset:thumb/*';
    const requests = await run({ kind: 'bunny', accessKey: 'k', apiBase: base }, { event: 'preset.deleted', clientId: 'acme', imageId: null, tags: ['client-acme'], urls: [wildcard] });
    expect(requests).toEqual([documented('/purge?url=https%3A%2F%2Fcdn.example.com%2Ft%2Facme%2Fpreset%3Athumb%2F*', { accesskey: 'k' }, '')]);
    expect(new URLSearchParams(requests[0]!.target.split('?')[1]).get('url')).toBe(wildcard);
  });

  test('the default API base is Bunny\'s', () => {
    expect(purgeRequests({ kind: 'bunny', accessKey: 'k' }, imageScope, message)[0]!.url).toStartWith('https://api.bunny.net/purge?url=https%3A%2F%2Fcdn.example.com%2Ft%2Facme%2F');
  });
});

describe('HTTP hook: POST <url> { event, imageId, clientId, urls, tags }', () => {
  const HOOK_BODY =
    '{"event":"image.replaced","imageId":"IMG123","clientId":"acme","urls":["https://cdn.example.com/t/acme/preset:thumb/IMG123.webp","https://cdn.example.com/t/acme/preset:thumb/IMG123.jpg"],"tags":["img-IMG123"]}';

  test('unsigned without a secret', async () => {
    const requests = await run({ kind: 'http', url: `${base}/hooks/purge?x=1` });
    expect(requests).toEqual([documented('/hooks/purge?x=1', { 'content-type': 'application/json' }, HOOK_BODY)]);
  });

  test('signed the Standard Webhooks way with a secret', async () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const requests = await run({ kind: 'http', url: `${base}/hook`, secret: `whsec_${key.toString('base64')}` });
    const signature = createHmac('sha256', key).update(`msg_1.1767225600.${HOOK_BODY}`).digest('base64');
    expect(requests).toEqual([
      documented('/hook', { 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': '1767225600', 'webhook-signature': `v1,${signature}` }, HOOK_BODY),
    ]);
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
    const error = await sendPurge(purgeRequests({ kind: 'http', url: 'http://127.0.0.1:1/hook' }, imageScope, message), send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PurgeFailed);
    expect((error as PurgeFailed).status).toBeNull();
  });
});
