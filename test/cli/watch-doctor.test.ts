import { describe, expect, test } from 'bun:test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli, spawnCli, spawnServe } from '../helpers/cli';
import { jpeg, png } from '../helpers/fixtures';

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const { port } = probe;
  probe.stop(true);
  return port!;
}

describe('watch (remote mode)', () => {
  test('ingests new and changed files, survives a server restart, and a restart of watch re-uploads nothing', async () => {
    const work = mkdtempSync(join(tmpdir(), 'imgapi-watch-'));
    const data = join(work, 'data');
    const dir = join(work, 'inbox');
    mkdirSync(dir);
    const home = isolatedHome();
    const { apiKey } = JSON.parse((await runCli(['init', '--yes', '--json'], { env: { HOME: home, IMGAPI_DATA: data } })).stdout);
    const port = freePort();
    let server = await spawnServe(data, port);
    const env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: apiKey };
    let watcher = spawnCli(['watch', dir, 'dropbox'], { env });
    try {
      await watcher.waitFor(/watching/, 15_000, 'stderr');

      writeFileSync(join(dir, 'new.jpg'), await jpeg(64, 48, { color: '#ff0000' }));
      const uploaded = await watcher.waitFor(/^uploaded\t\S+\tdropbox\/new\.jpg$/);
      const id = uploaded.split('\t')[1]!;

      writeFileSync(join(dir, 'new.jpg'), await jpeg(64, 48, { color: '#00ff00' }));
      await watcher.waitFor(new RegExp(`^replaced\\t${id}\\tdropbox/new\\.jpg$`));

      writeFileSync(join(dir, 'readme.txt'), 'hello');
      await watcher.waitFor(/skipped dropbox\/readme\.txt/, 15_000, 'stderr');

      // A sub-directory made while watching maps to a sub-folder.
      mkdirSync(join(dir, 'later'));
      writeFileSync(join(dir, 'later', 'nested.png'), await png(10, 10));
      await watcher.waitFor(/^uploaded\t\S+\tdropbox\/later\/nested\.png$/);

      // An iPhone photo (HEIC): its working master is made at upload, while watch waits.
      copyFileSync(join(import.meta.dir, '../fixtures/heic/iphone-like.heic'), join(dir, 'IMG_0007.HEIC'));
      await watcher.waitFor(/^uploaded\t\S+\tdropbox\/IMG_0007\.HEIC$/);

      await server.stop();
      writeFileSync(join(dir, 'offline.png'), await png(20, 20));
      await watcher.waitFor(/will retry/, 45_000, 'stderr');
      server = await spawnServe(data, port);
      await watcher.waitFor(/^uploaded\t\S+\tdropbox\/offline\.png$/, 30_000);

      expect(await watcher.stop('SIGTERM')).toBe(0);
      const linesBefore = watcher.lines.length;
      expect(linesBefore).toBe(5);

      watcher = spawnCli(['watch', dir, 'dropbox'], { env });
      await watcher.waitFor(/watching/, 15_000, 'stderr');
      await Bun.sleep(1500);
      expect(watcher.lines).toEqual([]);
      const listed = await fetch(`${server.url}/api/v1/images?folder=dropbox&recursive=true`, { headers: { 'x-api-key': apiKey } });
      expect((await listed.json()).total).toBe(4);
    } finally {
      await watcher.stop();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('doctor (local mode)', () => {
  test('reports and removes orphan and stale files, reports a missing original with exit 1', async () => {
    const data = mkdtempSync(join(tmpdir(), 'imgapi-doctor-'));
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    await runCli(['init', '--yes'], { env });
    const photo = join(data, 'p.jpg');
    writeFileSync(photo, await jpeg(30, 30));
    const [keepId] = (await runCli(['upload', photo], { env })).stdout.split('\t');
    const [loseId] = (await runCli(['upload', photo, '--folder', 'x'], { env })).stdout.split('\t');

    const orphanOriginal = join(data, 'originals', 'default', 'AAAAAAAAAAAAAAAAAAAAAA', 'blob');
    // Stored a moment ago with no row yet: may be an upload in progress on another process.
    const uploading = join(data, 'originals', 'default', 'BBBBBBBBBBBBBBBBBBBBBB', 'blob');
    const orphanVariant = join(data, 'cache', 'default', 'AAAAAAAAAAAAAAAAAAAAAA', 'v1', '10x10-scale-q80.webp');
    const staleVariant = join(data, 'cache', 'default', keepId!, 'v0', '10x10-scale-q80.webp');
    const currentVariant = join(data, 'cache', 'default', keepId!, 'v1', '10x10-scale-q80.webp');
    const oldTemp = join(data, 'originals', '.tmp', 'abandoned.part');
    const freshTemp = join(data, 'originals', '.tmp', 'in-flight.part');
    for (const file of [orphanOriginal, uploading, orphanVariant, staleVariant, currentVariant, oldTemp, freshTemp]) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, 'x');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const old of [orphanOriginal, oldTemp]) utimesSync(old, twoHoursAgo, twoHoursAgo);
    const loseDir = join(data, 'originals', 'default', loseId!);
    rmSync(join(loseDir, readdirSync(loseDir)[0]!));

    const dry = await runCli(['doctor', '--dry-run', '--json'], { env });
    const report = JSON.parse(dry.stdout);
    expect(dry.code).toBe(1);
    expect(report.missingOriginals).toEqual([{ clientId: 'default', imageId: loseId }]);
    expect(report.orphanOriginals).toEqual(['default/AAAAAAAAAAAAAAAAAAAAAA/blob']);
    expect(report.orphanVariants.sort()).toEqual([`default/${keepId}/v0/10x10-scale-q80.webp`, 'default/AAAAAAAAAAAAAAAAAAAAAA/v1/10x10-scale-q80.webp'].sort());
    expect(existsSync(orphanOriginal) && existsSync(staleVariant) && existsSync(oldTemp)).toBe(true);

    const repaired = await runCli(['doctor'], { env });
    expect(repaired.code).toBe(1);
    expect(repaired.stdout).toContain(`MISSING original of image ${loseId}`);
    for (const gone of [orphanOriginal, orphanVariant, staleVariant, oldTemp]) expect(existsSync(gone)).toBe(false);
    for (const kept of [currentVariant, freshTemp, uploading]) expect(existsSync(kept)).toBe(true);
    rmSync(data, { recursive: true, force: true });
  });
});
