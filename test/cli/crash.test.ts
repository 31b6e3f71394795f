import { expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { isolatedHome, runCli, spawnCli } from '../helpers/cli';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function photo(seed: number): Promise<Uint8Array> {
  const jpeg = await sharp({ create: { width: 700, height: 500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 60 + (seed % 120), sigma: 30 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return new Uint8Array(jpeg);
}

test('kill -9 at several moments of a stream of uploads, replaces and deletes: nothing acknowledged is lost, no 5xx, no dangling row', async () => {
  const data = mkdtempSync(join(tmpdir(), 'imgapi-crash-'));
  const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
  const { apiKey } = JSON.parse((await runCli(['init', '--yes', '--json'], { env })).stdout);
  const headers = { 'x-api-key': apiKey };
  // What each acknowledged operation promised: an image with these bytes, or no image.
  const expected = new Map<string, string | 'deleted'>();
  const statuses: number[] = [];
  let operations = 0;
  let seed = 0;
  const acknowledged = { upload: 0, replace: 0, delete: 0 };

  for (let round = 0; round < 3; round++) {
    const server = spawnCli(['serve', '--port', '0', '--data', data], { env });
    const url = /listening on (\S+)/.exec(await server.waitFor(/listening on/))![1]!;

    // Everything acknowledged before this crash is still there, byte for byte (by content hash).
    for (const [id, hash] of expected) {
      const response = await fetch(`${url}/api/v1/images/${id}`, { headers });
      if (hash === 'deleted') expect([id, response.status]).toEqual([id, 404]);
      else expect([id, response.status, (await response.json()).contentHash]).toEqual([id, 200, hash]);
    }

    let acknowledgedThisRound = 0;
    const stream = Array.from({ length: 30 }, async (_, i) => {
      await Bun.sleep(i * 20);
      const bytes = await photo(seed++);
      const live = [...expected].filter(([, h]) => h !== 'deleted').map(([id]) => id);
      const kind = live.length > 2 && i % 5 === 3 ? 'replace' : live.length > 2 && i % 7 === 6 ? 'delete' : 'upload';
      const target = live[i % Math.max(1, live.length)]!;
      const form = new FormData();
      form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], `p${seed}.jpg`));
      operations++;
      try {
        const response =
          kind === 'upload'
            ? await fetch(`${url}/api/v1/images`, { method: 'POST', headers, body: form })
            : kind === 'replace'
              ? await fetch(`${url}/api/v1/images/${target}`, { method: 'PUT', headers, body: form })
              : await fetch(`${url}/api/v1/images/${target}`, { method: 'DELETE', headers });
        statuses.push(response.status);
        if (response.status === 201) expected.set((await response.json()).id, sha256(bytes));
        else if (response.status === 200 && kind === 'replace') expected.set(target, sha256(bytes));
        else if (response.status === 204) expected.set(target, 'deleted');
        if (response.ok) {
          acknowledgedThisRound++;
          acknowledged[kind]++;
        }
      } catch {
        // Cut off by the crash: not acknowledged, so it may or may not have happened.
        // A replace or delete in that state leaves either outcome possible.
        if (kind !== 'upload') expected.delete(target);
      }
    });
    const deadline = Date.now() + 20_000;
    while (acknowledgedThisRound < 4 + round * 3 && Date.now() < deadline) await Bun.sleep(5);
    server.proc.kill('SIGKILL');
    await Promise.all(stream);
    await server.proc.exited;
  }

  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(acknowledged.upload).toBeGreaterThanOrEqual(5);
  expect(acknowledged.replace + acknowledged.delete).toBeGreaterThan(0);
  const report = JSON.parse((await runCli(['doctor', '--json'], { env })).stdout);
  expect(report.missingOriginals).toEqual([]);
  const after = JSON.parse((await runCli(['doctor', '--dry-run', '--json'], { env })).stdout);
  expect([after.orphanOriginals, after.orphanVariants]).toEqual([[], []]);
  console.log(`crash test: ${operations} operations, 3 kills, acknowledged ${JSON.stringify(acknowledged)}, 0 lost, 0 5xx`);
  rmSync(data, { recursive: true, force: true });
}, 120_000);
