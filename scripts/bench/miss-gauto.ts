// A typical production URL, w_800,h_600,c_fill,g_auto,f_webp,q_80, always a miss: imgapi against
// a bare Bun + sharp server doing the same crop (attention), colour conversion and WebP encode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, start, startImgapi } from './harness';
import { wrk, type WrkResult } from './wrk';

const BARE = join(import.meta.dir, 'bare-server.ts');

/**
 * Distinct variants of about the URL's cost (w 760–840, q from 75 up), enough that a run of
 * `seconds` never asks twice: each request is a miss on both servers. `h` tells the levels apart.
 */
function variants(seconds: number, h: number): { w: number; h: number; q: number }[] {
  const list = [];
  for (let q = 75; list.length < seconds * 80 && q <= 100; q++) for (let w = 760; w <= 840; w++) list.push({ w, h, q });
  return list;
}

export async function missGautoScenario(sourcePath: string, source: Uint8Array, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-miss-gauto-'));
  const imgapi = await startImgapi(join(dir, 'data'));
  const { id } = await imgapi.upload(source, 'source.jpg');
  const port = freePort();
  const bare = await start([process.execPath, BARE, 'crop', sourcePath, String(port)], /ready/);
  const results: Record<string, WrkResult> = {};
  try {
    // Side by side, one level at a time, so both see the same machine.
    for (const [connections, h] of [[2, 600], [8, 601]] as const) {
      const list = variants(seconds, h);
      const paths = await Promise.all(list.map(async (v) => new URL(await imgapi.sign(id, `w_${v.w},h_${v.h},c_fill,g_auto,f_webp,q_${v.q}`)).pathname));
      results[`imgapi-c${connections}`] = await wrk(imgapi.url, { connections, seconds, paths });
      results[`bun-sharp-c${connections}`] = await wrk(`http://127.0.0.1:${port}`, { connections, seconds, paths: list.map((v) => `/${v.w}/${v.h}/${v.q}`) });
    }
  } finally {
    await bare.stop();
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
