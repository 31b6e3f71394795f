import { expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { signPath } from '../../src/core/signing';
import { startServer } from '../helpers/server';

// A real full disk: the data directory on a 4 MB tmpfs (CI runs as root, as this workplace does).
test('a full disk: uploads get 507 and leave nothing half-written; cached variants keep being served', async () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'imgapi-full-'));
  const mount = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
  expect([mount.exitCode, mount.stderr.toString()]).toEqual([0, '']);
  const s = await startServer({}, { dataDir: join(mountPoint, 'data') });
  try {
    const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).jpeg().toBuffer();
    const { id } = (await s.upload(new Uint8Array(small), 'first.jpg')).json;
    const rest = `w_32/${id}.webp`;
    const url = `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
    expect((await fetch(url)).status).toBe(200);

    let full: { status: number; json: any } | undefined;
    let stored = 1;
    for (let i = 0; i < 40 && !full; i++) {
      const noisy = await sharp({ create: { width: 500, height: 500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .jpeg({ quality: 95 })
        .toBuffer();
      const response = await s.upload(new Uint8Array(noisy), `n${i}.jpg`);
      if (response.status === 201) stored++;
      else full = response;
    }
    expect(full?.status).toBe(507);
    expect(full?.json.error).toEqual({ code: 'insufficient_storage', message: 'The server is out of disk space; nothing was stored' });

    // Still up, still serving what it has; every row has its file and no temp file is left.
    expect((await fetch(url)).status).toBe(200);
    expect((await s.api('GET', '/images')).json.total).toBe(stored);
    const report = await s.ctx.doctor.run({ repair: false });
    expect([report.missingOriginals, report.orphanOriginals]).toEqual([[], []]);
    const tmp = join(mountPoint, 'data', 'originals', '.tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  } finally {
    await s.stop();
    Bun.spawnSync(['umount', mountPoint]);
    rmdirSync(mountPoint);
  }
}, 60_000);
