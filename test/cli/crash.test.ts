import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { isolatedHome, runCli, spawnCli } from '../helpers/cli';

test('kill -9 in the middle of uploads: every acknowledged image survives, no row points at a missing file', async () => {
  const data = mkdtempSync(join(tmpdir(), 'imgapi-crash-'));
  const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
  const { apiKey } = JSON.parse((await runCli(['init', '--yes', '--json'], { env })).stdout);
  const photos = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      sharp({ create: { width: 900, height: 700, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 100 + i, sigma: 30 } } })
        .jpeg({ quality: 90 })
        .toBuffer(),
    ),
  );

  const server = spawnCli(['serve', '--port', '0', '--data', data], { env });
  const url = /listening on (\S+)/.exec(await server.waitFor(/listening on/))![1]!;
  const acknowledged: string[] = [];
  const uploads = photos.map(async (photo, i) => {
    await Bun.sleep(i * 25);
    const form = new FormData();
    form.append('file', new File([new Uint8Array(photo)], `p${i}.jpg`));
    try {
      const response = await fetch(`${url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': apiKey }, body: form });
      if (response.status === 201) acknowledged.push((await response.json()).id);
    } catch {
      // Cut off by the crash: not acknowledged, so it may or may not exist.
    }
  });
  // Crash while uploads are in flight: once a few have been acknowledged.
  const deadline = Date.now() + 20_000;
  while (acknowledged.length < 3 && Date.now() < deadline) await Bun.sleep(5);
  server.proc.kill('SIGKILL');
  await Promise.all(uploads);
  await server.proc.exited;
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(acknowledged.length).toBeLessThan(photos.length);

  const restarted = spawnCli(['serve', '--port', '0', '--data', data], { env });
  const url2 = /listening on (\S+)/.exec(await restarted.waitFor(/listening on/))![1]!;
  try {
    for (const id of acknowledged) {
      const image = await fetch(`${url2}/api/v1/images/${id}`, { headers: { 'x-api-key': apiKey } });
      expect([id, image.status]).toEqual([id, 200]);
      expect((await fetch((await image.json()).thumbnailUrl)).status).toBe(200);
    }
  } finally {
    await restarted.stop();
  }
  const report = JSON.parse((await runCli(['doctor', '--dry-run', '--json'], { env })).stdout);
  expect(report.missingOriginals).toEqual([]);
  expect(report.images).toBeGreaterThanOrEqual(acknowledged.length);
  rmSync(data, { recursive: true, force: true });
}, 60_000);
