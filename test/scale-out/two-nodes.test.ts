import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStorageUrl } from '../../src/storage/s3-location';
import { createS3BlobStore } from '../../src/storage/s3-blob-store';
import { apiRequest, fileForm } from '../helpers/api';
import { runCli, spawnServe } from '../helpers/cli';
import { decode, jpeg, png } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startBucket, type TestBucket } from '../helpers/s3';

/**
 * Two `imgapi serve` processes on different ports, each with its own data directory (its local
 * cache tiers), sharing one PostgreSQL database and one bucket: what one node does, the other
 * sees at once.
 */
type Node = Awaited<ReturnType<typeof spawnServe>>;

let bucket: TestBucket;
let storageUrl: string;
let clusterEnv: Record<string, string>;
let a: Node;
let b: Node;
let apiKey: string;
const dirs: string[] = [];

const call = (node: Node, method: string, path: string, body?: unknown) => apiRequest(node.url, apiKey, method, path, body);

async function upload(node: Node, file: Uint8Array, name: string, folder?: string) {
  const { status, json } = await call(node, 'POST', '/images', fileForm(file, name, folder));
  expect(status).toBe(201);
  return json as { id: string };
}

/** The same delivery path on another node's host. */
const on = (node: Node, url: string) => `${node.url}${new URL(url).pathname}`;

async function signed(node: Node, imageId: string, transform: string): Promise<string> {
  const { status, json } = await call(node, 'POST', '/sign', { imageId, transform });
  expect(status).toBe(200);
  return json.url;
}

async function fetchImage(url: string) {
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, etag: response.headers.get('etag'), cache: response.headers.get('x-cache'), body };
}

beforeAll(async () => {
  bucket = await startBucket();
  storageUrl = bucket.storageUrl('cluster');
  clusterEnv = { IMGAPI_DATABASE_URL: await freshDatabase(), IMGAPI_STORAGE_URL: storageUrl };
  // A trash kept ~8.6 s and swept every 200 ms by each node: the expiry job runs on both at once.
  const env = { ...clusterEnv, IMGAPI_LOG: 'off', IMGAPI_CONCURRENCY: '2', IMGAPI_TRASH_DAYS: '0.0001', IMGAPI_TRASH_SWEEP_MS: '200' };
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'imgapi-node-')));
  // Both start at once on the empty database: exactly one of them makes the first client.
  [a, b] = await Promise.all([spawnServe(dirs[0]!, 0, env), spawnServe(dirs[1]!, 0, env)]);
  const outputs = [a.output, b.output];
  expect(outputs.filter((out) => out.includes('First start')).length).toBe(1);
  apiKey = /API key:\s+(\S+)/.exec(outputs.join('\n'))![1]!;
  for (const node of [a, b]) expect(node.output).toContain('metadata: postgres://');
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await bucket?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('two nodes on one PostgreSQL and one bucket', () => {
  test('upload on A is delivered by B, from the shared variant A made', async () => {
    const { id } = await upload(a, await jpeg(800, 600), 'shared.jpg', 'clients/acme');
    const url = await signed(a, id, 'w_200,f_webp');
    const first = await fetchImage(url);
    expect(first.status).toBe(200);
    expect(first.cache).toBe('MISS');
    const fromB = await fetchImage(on(b, url));
    expect(fromB.status).toBe(200);
    expect(fromB.cache).toBe('HIT'); // from the bucket: B ran no transform
    expect(fromB.body).toEqual(first.body);
    expect(fromB.etag).toBe(first.etag);
    expect(await decode(fromB.body)).toMatchObject({ format: 'webp', width: 200, height: 150 });
    // B's metadata API sees the upload and its folder.
    expect((await call(b, 'GET', `/images/${id}`)).json).toMatchObject({ id, originalName: 'shared.jpg', folder: 'clients/acme' });
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/^imgapi_variant_cache_hits_total\{tier="shared"\} [1-9]/m);
    expect(metrics).toMatch(/^imgapi_variant_transforms_total 0$/m);
  });

  test('replace on B: A serves the new pixels and ETag at once', async () => {
    const { id } = await upload(a, await jpeg(800, 600), 'replace-me.jpg');
    const url = await signed(a, id, 'w_400');
    const before = await fetchImage(url);
    await fetchImage(url); // now in A's memory tier
    expect(await decode(before.body)).toMatchObject({ width: 400, height: 300 });

    const replaced = await call(b, 'PUT', `/images/${id}`, fileForm(await png(400, 800), 'tall.png'));
    expect(replaced.status).toBe(200);
    expect(replaced.json.version).toBe(2);

    const after = await fetchImage(url);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    expect(await decode(after.body)).toMatchObject({ width: 400, height: 800 });
    expect((await call(a, 'GET', `/images/${id}`)).json.version).toBe(2);
  });

  test('delete on A: B answers 404 at once, though it had the variant cached', async () => {
    const { id } = await upload(b, await jpeg(300, 300), 'delete-me.jpg');
    const url = on(b, await signed(b, id, 'w_100'));
    expect((await fetchImage(url)).status).toBe(200);
    expect((await fetchImage(url)).status).toBe(200);
    expect((await call(a, 'DELETE', `/images/${id}?permanent=true`)).status).toBe(204);
    const gone = await fetchImage(url);
    expect(gone.status).toBe(404);
    expect((await call(b, 'GET', `/images/${id}`)).status).toBe(404);
    // Its originals and variants are gone from the bucket too.
    const location = parseStorageUrl(storageUrl);
    expect((await createS3BlobStore(location, 'originals').list()).filter((key) => key.includes(id))).toEqual([]);
    expect((await createS3BlobStore(location, 'variants').list()).filter((key) => key.includes(id))).toEqual([]);
  });

  test("trash on A: B stops delivering at once (cached variant and download too); restored on B, A delivers again; both nodes' expiry jobs purge it once", async () => {
    const { id, downloadUrl } = (await upload(b, await png(40, 40), 'trash-me.png')) as { id: string; downloadUrl: string };
    const url = on(b, await signed(b, id, 'w_20'));
    // The download URL's query (?v=) is part of what it signs.
    const download = `${on(b, downloadUrl)}${new URL(downloadUrl).search}`;
    for (let i = 0; i < 2; i++) expect((await fetchImage(url)).status).toBe(200);
    expect((await fetchImage(download)).status).toBe(200);
    expect((await call(a, 'DELETE', `/images/${id}`)).status).toBe(204);
    // B stops as soon as A's change reaches it (the change bus: milliseconds, bounded here at 3 s).
    const heard = Date.now() + 3_000;
    let status = (await fetchImage(url)).status;
    while (status !== 404 && Date.now() < heard) status = (await Bun.sleep(50), await fetchImage(url)).status;
    expect(status).toBe(404);
    expect((await fetchImage(download)).status).toBe(404);
    expect((await call(b, 'GET', '/trash')).json.items.map((i: any) => i.image.id)).toContain(id);
    expect((await call(b, 'POST', `/images/${id}/restore`)).status).toBe(200);
    expect((await fetchImage(on(a, url))).status).toBe(200);
    expect((await fetchImage(url)).status).toBe(200);

    // Trashed again: past its days, one of the two nodes' jobs deletes it and its files, once.
    expect((await call(b, 'DELETE', `/images/${id}`)).status).toBe(204);
    const location = parseStorageUrl(storageUrl);
    const originals = createS3BlobStore(location, 'originals');
    expect((await originals.list()).filter((key) => key.includes(id)).length).toBeGreaterThan(0);
    const deadline = Date.now() + 30_000;
    while ((await call(a, 'GET', '/trash')).json.items.some((i: any) => i.image.id === id) && Date.now() < deadline) await Bun.sleep(200);
    expect((await call(a, 'GET', '/trash')).json.items.map((i: any) => i.image.id)).not.toContain(id);
    expect((await call(a, 'POST', `/images/${id}/restore`)).status).toBe(404);
    expect((await originals.list()).filter((key) => key.includes(id))).toEqual([]);
    expect((await createS3BlobStore(location, 'variants').list()).filter((key) => key.includes(id))).toEqual([]);
  }, 60_000);

  test('a preset made on B works on A; deleted on A, it stops on B', async () => {
    const { id } = await upload(a, await jpeg(1000, 500), 'preset.jpg');
    const created = await call(b, 'POST', '/presets', { name: 'card', params: 'w_250,h_250,c_fill,f_png' });
    expect(created.status).toBe(201);
    const onA = await fetchImage(`${a.url}/t/default/preset:card/${id}.png`);
    expect(onA.status).toBe(200);
    expect(await decode(onA.body)).toMatchObject({ format: 'png', width: 250, height: 250 });
    const onB = await fetchImage(`${b.url}/t/default/preset:card/${id}.png`);
    expect(onB.status).toBe(200);
    expect((await call(a, 'DELETE', `/presets/${created.json.id}`)).status).toBe(204);
    // A answers once its notice is sent; B acts on it when its LISTEN connection delivers it,
    // which may be a moment after B has already answered a request that raced it.
    const deadline = Date.now() + 2_000;
    let status = 0;
    while (Date.now() < deadline && status !== 404) {
      status = (await fetchImage(`${b.url}/t/default/preset:card/${id}.png`)).status;
      if (status !== 404) await Bun.sleep(20);
    }
    expect(status).toBe(404);
  });

  test('a secret rotated on A: B signs with the new one at once, honours the old one for the grace, then 403', async () => {
    const { id } = await upload(b, await jpeg(300, 200), 'rotated.jpg');
    const old = await signed(a, id, 'w_80');
    const oldHot = await signed(b, id, 'w_81');
    for (const url of [old, on(b, old), oldHot, oldHot]) expect((await fetchImage(url)).status).toBe(200); // cached routes on both nodes
    const { status, json } = await call(a, 'POST', '/signing-secret/rotate', { graceSeconds: 2 });
    expect(status).toBe(200);
    const fresh = await signed(b, id, 'w_80');
    expect(fresh).not.toBe(old);
    for (const url of [fresh, on(a, fresh), on(b, old), oldHot]) expect((await fetchImage(url)).status).toBe(200);
    const metric = await (await fetch(`${b.url}/metrics`)).text();
    expect(Number(/^imgapi_signature_previous_secret_total (\d+)$/m.exec(metric)![1])).toBeGreaterThanOrEqual(2);
    await Bun.sleep(Date.parse(json.previousValidUntil) - Date.now() + 50);
    for (const url of [old, on(b, old), oldHot]) expect((await fetchImage(url)).status).toBe(403);
    expect((await fetchImage(on(a, fresh))).status).toBe(200);

    // No grace: B refuses the old secret at once, even for a route it had verified and cached;
    // A as soon as B's change reaches it (the change bus: milliseconds, bounded here at 3 s).
    const hot = await signed(a, id, 'w_82');
    for (const url of [hot, on(b, hot)]) expect((await fetchImage(url)).status).toBe(200);
    expect((await call(b, 'POST', '/signing-secret/rotate', { graceSeconds: 0 })).status).toBe(200);
    expect((await fetchImage(on(b, hot))).status).toBe(403);
    const deadline = Date.now() + 3000;
    let onA = (await fetchImage(hot)).status;
    while (onA !== 403 && Date.now() < deadline) {
      await Bun.sleep(20);
      onA = (await fetchImage(hot)).status;
    }
    expect(onA).toBe(403);
    expect((await fetchImage(await signed(a, id, 'w_82'))).status).toBe(200);
  });

  test('listing totals follow uploads made on the other node', async () => {
    const listed = async (node: Node) => (await call(node, 'GET', '/images?folder=counted')).json?.total ?? 0;
    await upload(a, await jpeg(64, 64), 'one.jpg', 'counted');
    expect(await listed(b)).toBe(1); // B remembers this total…
    await upload(a, await jpeg(64, 64), 'two.jpg', 'counted');
    expect(await listed(b)).toBe(2); // …until A's change reaches it
    expect((await call(b, 'GET', '/search?q=two')).json.images.map((i: { originalName: string }) => i.originalName)).toEqual(['two.jpg']);
  });

  test('the CLI in local mode works on the shared database and bucket: nodes see its uploads, doctor checks the bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgapi-cli-files-'));
    dirs.push(dir);
    await Bun.write(join(dir, 'from-cli.png'), await png(120, 80));
    const uploaded = await runCli(['upload', join(dir, 'from-cli.png'), '--folder', 'cli', '--data', join(dir, 'data'), '--json'], { env: clusterEnv });
    expect(uploaded.code).toBe(0);
    const { id } = JSON.parse(uploaded.stdout.trim().split('\n')[0]!);
    const listed = (await call(b, 'GET', '/images?folder=cli')).json;
    expect(listed.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const delivered = await fetchImage(on(b, await signed(a, id, 'w_60,f_png')));
    expect(await decode(delivered.body)).toMatchObject({ format: 'png', width: 60, height: 40 });

    const doctor = await runCli(['doctor', '--dry-run', '--json', '--data', join(dir, 'data')], { env: clusterEnv });
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout);
    expect(report.images).toBeGreaterThan(5);
    expect(report.missingOriginals).toEqual([]);
    expect(report.orphanOriginals).toEqual([]);
  });

  test('a node whose LISTEN connection dropped forgets its caches on reconnecting, so changes it missed still show', async () => {
    const { id } = await upload(a, await jpeg(500, 250), 'missed.jpg');
    const url = await signed(a, id, 'w_100');
    await fetchImage(url);
    expect(await decode((await fetchImage(url)).body)).toMatchObject({ width: 100, height: 50 }); // cached on A
    const admin = new SQL(clusterEnv.IMGAPI_DATABASE_URL!);
    try {
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'listen%' AND pid <> pg_backend_pid()`;
      // Sent while nobody listens: A never hears of it.
      expect((await call(b, 'PUT', `/images/${id}`, fileForm(await jpeg(200, 400), 'tall.jpg'))).status).toBe(200);
    } finally {
      await admin.close();
    }
    const deadline = Date.now() + 4_000;
    let height = 0;
    while (Date.now() < deadline && height !== 200) {
      height = (await decode((await fetchImage(url)).body)).height!;
      if (height !== 200) await Bun.sleep(100);
    }
    expect(height).toBe(200);
  });

  test('concurrent misses on both nodes for the same variants: every answer whole, the bucket holds one good copy', async () => {
    const { id } = await upload(a, await jpeg(1200, 900), 'race.jpg');
    const urls = await Promise.all(['w_300', 'w_301,f_webp', 'w_302,f_avif'].map((t) => signed(a, id, t)));
    const results = await Promise.all(urls.flatMap((url) => [a, b, a, b].map((node) => fetchImage(on(node, url)))));
    for (const result of results) expect(result.status).toBe(200);
    for (let i = 0; i < urls.length; i++) {
      const answers = results.slice(i * 4, i * 4 + 4);
      expect(new Set(answers.map((r) => r.etag)).size).toBe(1);
      const meta = await decode(answers[0]!.body);
      expect(meta.width).toBe(300 + i);
    }
    const variants = createS3BlobStore(parseStorageUrl(storageUrl), 'variants');
    const keys = (await variants.list()).filter((key) => key.includes(id));
    expect(keys.length).toBe(3);
    for (const key of keys) {
      const stored = (await variants.get(key))!;
      const meta = await decode(stored);
      expect([300, 301, 302]).toContain(meta.width!);
    }
  });

  // Last: it stops the bucket.
  test('without the bucket: /healthz 503, an upload 503 "unavailable" with no row left behind, and the node stays up', async () => {
    for (const node of [a, b]) expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    const before = (await call(a, 'GET', '/images')).json.total;
    await bucket.stop();
    expect((await fetch(`${a.url}/healthz`)).status).toBe(503);
    const refused = await call(a, 'POST', '/images', fileForm(await jpeg(50, 50), 'no-bucket.jpg'));
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('unavailable');
    expect(refused.json.error.message).toContain('object store');
    expect((await call(b, 'GET', '/images')).json.total).toBe(before);
    expect((await call(b, 'GET', '/search?q=no-bucket')).json.images).toEqual([]);
  });
});

describe('misconfigured scale-out settings', () => {
  test('an unreachable database stops `serve` with exit 1 and says where; a bad storage URL is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgapi-bad-'));
    dirs.push(dir);
    const noDatabase = await runCli(['serve', '--port', '0', '--data', dir], { env: { IMGAPI_DATABASE_URL: 'postgres://imgapi@127.0.0.1:1/imgapi' } });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toContain('PostgreSQL at 127.0.0.1:1/imgapi');
    const badStorage = await runCli(['serve', '--port', '0', '--data', dir], { env: { IMGAPI_STORAGE_URL: 'minio://bucket' } });
    expect(badStorage.code).toBe(2);
    expect(badStorage.stderr).toContain('IMGAPI_STORAGE_URL must start with s3://');
    const badDatabase = await runCli(['serve', '--port', '0', '--data', dir], { env: { IMGAPI_DATABASE_URL: 'mysql://x' } });
    expect(badDatabase.code).toBe(2);
    expect(badDatabase.stderr).toContain('IMGAPI_DATABASE_URL must be a postgres:// URL');
  }, 30_000);
});
