import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { jpeg } from '../helpers/fixtures';
import { runCli, isolatedHome } from '../helpers/cli';
import { startServer, type TestServer } from '../helpers/server';

const PUBLIC = 'https://img.example.com';
const FAST = { IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100', IMGAPI_PUBLIC_URL: PUBLIC };

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A loopback stand-in for one provider's API: records every request, answers the queued statuses, then 200. */
function provider() {
  const seen: Seen[] = [];
  const statuses: number[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      seen.push({ method: request.method, path: url.pathname + url.search, headers: request.headers, body: await request.text() });
      const status = statuses.shift() ?? 200;
      return Response.json({ success: status === 200 }, { status });
    },
  });
  return {
    base: `http://127.0.0.1:${server.port}`,
    seen,
    statuses,
    /** The requests that arrived since the last take, once there are `n` of them. */
    async take(n: number, timeoutMs = 10_000): Promise<Seen[]> {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < n && Date.now() < deadline) await Bun.sleep(10);
      await Bun.sleep(150); // nothing more than expected comes
      return seen.splice(0);
    },
    stop: () => server.stop(true),
  };
}

const headersOf = (r: Seen, names: string[]) => Object.fromEntries(names.map((n) => [n, r.headers.get(n)]));

describe('CDN purges through a running server, each provider as it documents its API', () => {
  let server: TestServer;
  const cloudflare = provider();
  const fastly = provider();
  const bunny = provider();
  const hook = provider();
  const HOOK_SECRET = 'hook-secret-for-the-test';
  let imageId: string;
  let presetId: string;
  let client: string;
  const presetUrl = (version: number | null) => `${PUBLIC}/t/${client}/preset:thumb/${imageId}.webp${version === null ? '' : `?v=${version}`}`;

  beforeAll(async () => {
    server = await startServer(FAST);
    client = server.clientId;
    const made = [
      await server.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'zone42', apiToken: 'cf-token-0001', apiBase: `${cloudflare.base}/client/v4` }),
      await server.api('POST', '/purge-targets', { kind: 'fastly', serviceId: 'SVC9', apiToken: 'fastly-token-0002', apiBase: fastly.base }),
      await server.api('POST', '/purge-targets', { kind: 'bunny', accessKey: 'bunny-key-0003', apiBase: bunny.base }),
      await server.api('POST', '/purge-targets', { kind: 'http', url: `${hook.base}/purge-hook`, secret: HOOK_SECRET }),
    ];
    expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    presetId = (await server.api('POST', '/presets', { name: 'thumb', params: 'w_100,f_webp' })).json.id;
    imageId = (await server.upload(await jpeg(40, 30), 'a.jpg')).json.id;
  });
  afterAll(async () => {
    await server.stop();
    for (const p of [cloudflare, fastly, bunny, hook]) p.stop();
  });

  /** What every provider must receive for one change. */
  async function expectPurged(event: string, tags: string[], urls: string[], imageIdSent: string | null) {
    const cf = await cloudflare.take(urls.some((u) => !u.endsWith('*')) ? 2 : 1);
    const files = urls.filter((u) => !u.endsWith('*'));
    expect(cf.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/client/v4/zones/zone42/purge_cache', JSON.stringify({ tags })],
      ...(files.length ? [['POST', '/client/v4/zones/zone42/purge_cache', JSON.stringify({ files })]] : []),
    ]);
    for (const r of cf) expect(headersOf(r, ['authorization', 'content-type'])).toEqual({ authorization: 'Bearer cf-token-0001', 'content-type': 'application/json' });

    const fa = await fastly.take(1);
    expect(fa.map((r) => [r.method, r.path, r.body])).toEqual([['POST', '/service/SVC9/purge', '']]);
    expect(headersOf(fa[0]!, ['fastly-key', 'surrogate-key', 'accept', 'content-type', 'content-length'])).toEqual({
      'fastly-key': 'fastly-token-0002', 'surrogate-key': tags.join(' '), accept: 'application/json', 'content-type': null, 'content-length': '0',
    });

    const bu = await bunny.take(urls.length);
    expect(bu.map((r) => [r.method, r.path, r.body, r.headers.get('accesskey'), r.headers.get('content-type')])).toEqual(
      urls.map((u) => ['POST', `/purge?url=${encodeURIComponent(u)}`, '', 'bunny-key-0003', null]),
    );

    const [call, ...more] = await hook.take(1);
    expect(more).toEqual([]);
    expect([call!.method, call!.path, call!.headers.get('content-type'), call!.headers.get('user-agent')]).toEqual(['POST', '/purge-hook', 'application/json', 'imgapi-purge']);
    expect(call!.body).toBe(JSON.stringify({ event, imageId: imageIdSent, clientId: client, urls, tags }));
    const id = call!.headers.get('webhook-id')!;
    const timestamp = call!.headers.get('webhook-timestamp')!;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const signature = createHmac('sha256', HOOK_SECRET).update(`${id}.${timestamp}.${call!.body}`).digest('base64');
    expect(call!.headers.get('webhook-signature')).toBe(`v1,${signature}`);
  }

  test('image replace: img- tag, the preset URLs of the version replaced', async () => {
    const form = new FormData();
    form.append('file', new File([(await jpeg(20, 10)) as Uint8Array<ArrayBuffer>], 'b.jpg'));
    expect((await server.api('PUT', `/images/${imageId}`, form)).status).toBe(200);
    await expectPurged('image.replaced', [`img-${imageId}`], [presetUrl(null), presetUrl(1)], imageId);
  });

  test('focal-point change purges; a rename does not', async () => {
    expect((await server.api('PATCH', `/images/${imageId}`, { originalName: 'c.jpg' })).status).toBe(200);
    expect((await server.api('PATCH', `/images/${imageId}`, { focalPoint: { x: 0.25, y: 0.75 } })).status).toBe(200);
    await expectPurged('image.updated', [`img-${imageId}`], [presetUrl(null), presetUrl(2)], imageId);
  });

  test('image delete', async () => {
    expect((await server.api('DELETE', `/images/${imageId}`)).status).toBe(204);
    await expectPurged('image.deleted', [`img-${imageId}`], [presetUrl(null), presetUrl(2)], imageId);
  });

  test("preset delete: the client- tag, and the preset's path as a Bunny wildcard (not a Cloudflare file)", async () => {
    expect((await server.api('DELETE', `/presets/${presetId}`)).status).toBe(204);
    await expectPurged('preset.deleted', [`client-${client}`], [`${PUBLIC}/t/${client}/preset:thumb/*`], null);
  });

  test('a preset cannot be edited in place (no PUT or PATCH): it is changed by deleting it, which purged above, and re-creating it, which has nothing to purge', async () => {
    const again = await server.api('POST', '/presets', { name: 'thumb', params: 'w_200,f_webp' });
    expect(again.status).toBe(201);
    for (const method of ['PUT', 'PATCH']) expect((await server.api(method, `/presets/${again.json.id}`, { params: 'w_300' })).status).toBe(405);
    await Bun.sleep(300);
    expect([cloudflare.seen, fastly.seen, bunny.seen, hook.seen].map((s) => s.length)).toEqual([0, 0, 0, 0]);
  });

  test('every attempt is in the purge log, newest first', async () => {
    const targets = (await server.api('GET', '/purge-targets')).json.items;
    for (const target of targets) {
      const log = await server.api('GET', `/purge-targets/${target.id}/deliveries`);
      expect(log.status).toBe(200);
      expect(log.json.items.map((a: any) => [a.event, a.ok, a.status, a.attempt])).toEqual(
        ['preset.deleted', 'image.deleted', 'image.updated', 'image.replaced'].map((e) => [e, true, 200, 1]),
      );
    }
  });
});

test('a 5xx is retried until the provider answers 200; each attempt is logged, in the API and by imgapi purge-target log; /metrics counts the row waiting', async () => {
  const server = await startServer(FAST);
  const cloudflare = provider();
  try {
    cloudflare.statuses.push(503, 503, 503);
    const target = (await server.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'Z', apiToken: 'cf-token-retry', apiBase: cloudflare.base })).json;
    const imageId = (await server.upload(await jpeg(10, 10), 'x.jpg')).json.id;
    expect((await server.api('DELETE', `/images/${imageId}`)).status).toBe(204);
    const pending = async () => /\nimgapi_outbox_pending (\d+)\n/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1];
    while (cloudflare.seen.length === 0) await Bun.sleep(10);
    // Failing: the target's row waits for its retry.
    expect(await pending()).toBe('1');
    // No public URL here: tags only, one call an attempt.
    const calls = await cloudflare.take(4);
    expect(calls.map((r) => [r.path, r.body])).toEqual(Array(4).fill(['/zones/Z/purge_cache', JSON.stringify({ tags: [`img-${imageId}`] })]));
    const log = (await server.api('GET', `/purge-targets/${target.id}/deliveries`)).json.items;
    expect(log.map((a: any) => [a.attempt, a.ok, a.status])).toEqual([[4, true, 200], [3, false, 503], [2, false, 503], [1, false, 503]]);
    expect(log[1].error).toContain('answered 503');
    expect(new Set(log.map((a: any) => a.purgeId)).size).toBe(1);
    expect(await pending()).toBe('0');

    const cli = await runCli(['purge-target', 'log', target.id], { env: { HOME: isolatedHome(), IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey } });
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    const lines = cli.stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines.map((l) => [l[1], l[2], l[3], l[4], l[5]])).toEqual([
      ['image.deleted', log[0].purgeId, '#4', 'ok', '200'],
      ...[3, 2, 1].map((n) => ['image.deleted', log[0].purgeId, `#${n}`, 'failed', '503']),
    ]);
    expect((await server.api('GET', '/purge-targets/nope/deliveries')).status).toBe(404);
  } finally {
    cloudflare.stop();
    await server.stop();
  }
});
