import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHmac } from 'node:crypto';
import { jpeg } from '../helpers/fixtures';
import { runCli, isolatedHome } from '../helpers/cli';
import { startServer, type TestServer } from '../helpers/server';

const PUBLIC = 'https://img.example.com';
const FAST = { IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100', IMGAPI_PUBLIC_URL: PUBLIC };

/** One request as it arrived: everything but the transport's own headers, and the body's bytes. */
interface Seen {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Headers the transport adds, not the purge request: `host` (the URL's own) and `connection`
 * (how the socket is kept). Everything else is compared, `content-length` and `user-agent`
 * included; a header added or missing fails.
 */
const TRANSPORT_HEADERS = new Set(['host', 'connection']);

/** The request a provider documents, as it must arrive: its headers, plus the user agent and the length of its body. */
const documented = (path: string, headers: Record<string, string>, body: string): Seen => ({
  method: 'POST',
  path,
  headers: { ...headers, 'user-agent': 'imgapi-purge', 'content-length': String(Buffer.byteLength(body)) },
  body: Buffer.from(body, 'utf8'),
});

/** A loopback stand-in for one provider's API: records every request, answers the queued statuses, then 200. */
function provider() {
  const seen: Seen[] = [];
  const statuses: number[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const headers = Object.fromEntries([...request.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name)));
      seen.push({ method: request.method, path: url.pathname + url.search, headers, body: Buffer.from(await request.arrayBuffer()) });
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
    const files = urls.filter((u) => !u.endsWith('*'));
    const cfHeaders = { authorization: 'Bearer cf-token-0001', 'content-type': 'application/json' };
    expect(await cloudflare.take(files.length ? 2 : 1)).toEqual([
      documented('/client/v4/zones/zone42/purge_cache', cfHeaders, `{"tags":[${tags.map((t) => `"${t}"`).join(',')}]}`),
      ...(files.length ? [documented('/client/v4/zones/zone42/purge_cache', cfHeaders, `{"files":[${files.map((u) => `"${u}"`).join(',')}]}`)] : []),
    ]);

    expect(await fastly.take(1)).toEqual([
      documented('/service/SVC9/purge', { 'fastly-key': 'fastly-token-0002', 'surrogate-key': tags.join(' '), accept: 'application/json' }, ''),
    ]);

    expect(await bunny.take(urls.length)).toEqual(urls.map((u) => documented(`/purge?url=${encodeURIComponent(u)}`, { accesskey: 'bunny-key-0003' }, '')));

    const calls = await hook.take(1);
    expect(calls).toHaveLength(1);
    // The hook's message id and timestamp are the server's; the rest of the request follows from them.
    const id = calls[0]!.headers['webhook-id']!;
    const timestamp = calls[0]!.headers['webhook-timestamp']!;
    expect(id).toMatch(/^msg_[\w-]+\.[\w-]+$/); // the change's message id, then the target's
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const body = `{"event":"${event}","imageId":${imageIdSent === null ? 'null' : `"${imageIdSent}"`},"clientId":"${client}","urls":[${urls.map((u) => `"${u}"`).join(',')}],"tags":[${tags.map((t) => `"${t}"`).join(',')}]}`;
    const signature = createHmac('sha256', HOOK_SECRET).update(`${id}.${timestamp}.${body}`).digest('base64');
    expect(calls).toEqual([
      documented('/purge-hook', { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }, body),
    ]);
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

  test('a preset made again has nothing to purge; an edit that changes what it delivers purges like a delete, under its old name; one that changes only eager or formats purges nothing', async () => {
    const again = await server.api('POST', '/presets', { name: 'thumb', params: 'w_200,f_webp' });
    expect(again.status).toBe(201);
    expect((await server.api('PUT', `/presets/${again.json.id}`, { params: 'w_300' })).status).toBe(405);
    await Bun.sleep(300);
    expect([cloudflare.seen, fastly.seen, bunny.seen, hook.seen].map((s) => s.length)).toEqual([0, 0, 0, 0]);

    expect((await server.api('PATCH', `/presets/${again.json.id}`, { params: 'w_300,f_webp', name: 'thumbnail' })).status).toBe(200);
    await expectPurged('preset.updated', [`client-${client}`], [`${PUBLIC}/t/${client}/preset:thumb/*`], null);
    expect((await server.api('PATCH', `/presets/${again.json.id}`, { eager: true, formats: ['webp'] })).status).toBe(200);
    await Bun.sleep(300);
    expect([cloudflare.seen, fastly.seen, bunny.seen, hook.seen].map((s) => s.length)).toEqual([0, 0, 0, 0]);
  });

  test('every attempt is in the purge log, newest first', async () => {
    const targets = (await server.api('GET', '/purge-targets')).json.items;
    for (const target of targets) {
      const log = await server.api('GET', `/purge-targets/${target.id}/deliveries`);
      expect(log.status).toBe(200);
      expect(log.json.items.map((a: any) => [a.event, a.ok, a.status, a.attempt])).toEqual(
        ['preset.updated', 'preset.deleted', 'image.deleted', 'image.updated', 'image.replaced'].map((e) => [e, true, 200, 1]),
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
    expect(calls).toEqual(Array(4).fill(documented('/zones/Z/purge_cache', { authorization: 'Bearer cf-token-retry', 'content-type': 'application/json' }, `{"tags":["img-${imageId}"]}`)));
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
