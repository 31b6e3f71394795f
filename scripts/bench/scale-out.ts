// The same measurements on one node (SQLite + files) and on the scale-out setup (PostgreSQL +
// an S3 server), in one run. PostgreSQL and s3rver are started the way the tests start them.
import { SQL } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../../test/helpers/postgres';
import { startBucket } from '../../test/helpers/s3';
import { percentile, startImgapi } from './harness';
import { metadataLatency, metadataScenario } from './scenarios';
import { wrk } from './wrk';

type Imgapi = Awaited<ReturnType<typeof startImgapi>>;

/** Sequential latency of fetching each URL once. */
async function fetchEach(urls: string[]) {
  const times: number[] = [];
  for (const url of urls) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  return { p50Ms: Number(percentile(times, 50).toFixed(2)), p95Ms: Number(percentile(times, 95).toFixed(2)) };
}

/** 100 distinct variants signed on `node`, as paths. */
async function variantPaths(node: Imgapi, id: string, widths: number[]) {
  return Promise.all(widths.map(async (w) => new URL(await node.sign(id, `w_${w},f_webp`)).pathname));
}

async function measureSetup(name: string, source: Uint8Array, seconds: number, env: Record<string, string>, secondNodeEnv: Record<string, string> | null) {
  const dir = mkdtempSync(join(tmpdir(), `imgapi-bench-${name}-`));
  const a = await startImgapi(join(dir, 'a'), env);
  const { id } = await a.upload(source, 'source.jpg');
  const hitUrl = await a.sign(id, 'w_1400,f_webp');
  await fetch(hitUrl);
  const hit = await wrk(hitUrl, { connections: 32, seconds });

  const missPaths = await variantPaths(a, id, Array.from({ length: 400 }, (_, i) => 200 + i));
  const miss = await wrk(a.url, { connections: 2, seconds, paths: missPaths });

  // Variants made by this node, fetched by a node that has none of them in memory or on disk:
  // the same node after a restart (single node: its disk), or a second node (cluster: the bucket).
  const made = await variantPaths(a, id, Array.from({ length: 100 }, (_, i) => 1000 + i));
  await fetchEach(made.map((p) => a.url + p));
  let cold: { p50Ms: number; p95Ms: number };
  if (secondNodeEnv) {
    const b = await startImgapi(join(dir, 'b'), secondNodeEnv);
    cold = await fetchEach(made.map((p) => b.url + p));
    await b.stop();
    await a.stop();
  } else {
    await a.stop();
    const again = await startImgapi(join(dir, 'a'), env);
    cold = await fetchEach(made.map((p) => again.url + p));
    await again.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  return { hit, miss, firstFetchOnColdNode: cold };
}

async function seedPostgres(url: string, count: number) {
  const sql = new SQL(url);
  await sql.unsafe(`
    INSERT INTO folders (id, client_id, parent_id, name, path, name_lower, created_at)
      SELECT 'folder' || f, 'default', NULL, 'album-' || f, 'album-' || f, 'album-' || f, '1970-01-01T00:00:00.000Z' FROM generate_series(0, 99) f;
    INSERT INTO images (id, client_id, folder_id, original_name, name_lower, format, width, height, bytes, has_alpha,
        content_hash, original_key, version, created_at, updated_at)
      SELECT 'img' || lpad(i::text, 8, '0'), 'default', 'folder' || (i % 100), n.name, n.name, 'jpeg', 1200, 800, 100000, false,
        'x', 'default/img' || i || '/x', 1, n.at, n.at
      FROM generate_series(0, ${count - 1}) i,
        LATERAL (SELECT 'photo-' || i || '-' || CASE WHEN i % 7 = 0 THEN 'beach' ELSE 'city' END || '.jpg' AS name,
                        to_char(timestamp '2025-01-01' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at) n;`);
  // What autovacuum would do soon after a bulk load: statistics, and the visibility map for index-only scans.
  await sql.unsafe('VACUUM ANALYZE folders');
  await sql.unsafe('VACUUM ANALYZE images');
  await sql.close();
}

export async function scaleOutScenario(source: Uint8Array, seconds: number, count: number) {
  const bucket = await startBucket();
  try {
    const single = await measureSetup('single', source, seconds, { IMGAPI_LOG: 'off' }, null);
    const database = await freshDatabase();
    const cluster = { IMGAPI_LOG: 'off', IMGAPI_DATABASE_URL: database, IMGAPI_STORAGE_URL: bucket.storageUrl('bench') };
    const scaled = await measureSetup('cluster', source, seconds, cluster, cluster);

    const metadataSingle = await metadataScenario(count);
    const listDb = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-pglist-'));
    const node = await startImgapi(join(dir, 'data'), { IMGAPI_LOG: 'off', IMGAPI_DATABASE_URL: listDb });
    await seedPostgres(listDb, count);
    const metadataPostgres = await metadataLatency(node.url, node.apiKey!, count);
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
    return { single, scaled, metadataSingle, metadataPostgres };
  } finally {
    await bucket.stop();
  }
}
