import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { isolatedHome, runCli, spawnServe } from '../helpers/cli';
import { apiRequest } from '../helpers/api';
import { startServer, type TestServer } from '../helpers/server';

/** What one image was after an acknowledged change: live or trashed with a hash, or gone. */
type State = 'absent' | 'gone' | `live:${string}` | `trashed:${string}`;
interface History {
  id: string;
  /** In the order the server acknowledged them; one worker changes one image, so the order is total. */
  states: { state: State; ackedAt: number }[];
}

const noise = (seed: number) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13) % 256 } } })
    .png()
    .toBuffer()
    .then((b) => new Uint8Array(b));

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());

describe('imgapi backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'imgapi-backup-'));
  const home = isolatedHome();
  let server: TestServer | undefined;
  let restored: Awaited<ReturnType<typeof spawnServe>> | undefined;
  afterAll(async () => {
    await restored?.stop();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { HOME: home, ...env } });

  test('an online backup during uploads, replaces and deletes restores every change acknowledged before it began; signed and preset URLs still work', async () => {
    const s = (server = await startServer());
    const histories = new Map<string, History>();
    const record = (id: string, state: State) => {
      const history = histories.get(id) ?? { id, states: [{ state: 'absent' as State, ackedAt: 0 }] };
      history.states.push({ state, ackedAt: performance.now() });
      histories.set(id, history);
    };
    const upload = async (seed: number) => {
      const { status, json } = await s.upload(await noise(seed), `n${seed}.png`);
      expect(status).toBe(201);
      record(json.id, `live:${json.contentHash}`);
      return json.id as string;
    };

    const kept = await upload(1);
    const heic = await s.upload(new Uint8Array(readFileSync(join(import.meta.dir, '../fixtures/heic/plain.heic'))), 'plain.heic');
    expect(heic.status).toBe(201);
    record(heic.json.id, `live:${heic.json.contentHash}`);
    const trashed = await upload(2);
    expect((await s.api('DELETE', `/images/${trashed}`)).status).toBe(204);
    record(trashed, `trashed:${histories.get(trashed)!.states.at(-1)!.state.slice(5)}`);
    const toReplace: string[] = [];
    const toDelete: string[] = [];
    for (let i = 0; i < 8; i++) toReplace.push(await upload(100 + i));
    for (let i = 0; i < 12; i++) toDelete.push(await upload(200 + i));

    expect((await s.api('POST', '/presets', { name: 'card', params: 'w_40,h_30,c_cover' })).status).toBe(201);
    const signed = await s.api('POST', '/sign', { imageId: kept, transform: 'w_40,f_jpg' });
    expect(signed.status).toBe(200);
    const signedPath = new URL(signed.json.url).pathname + new URL(signed.json.url).search;
    const presetPath = `/t/${s.clientId}/preset:card/${kept}.webp`;

    // Changes keep coming while the backup runs, each worker on its own images.
    let running = true;
    let seed = 1000;
    const workers = [
      (async () => {
        while (running) await upload(seed++);
      })(),
      (async () => {
        for (let round = 0; running; round++) {
          const id = toReplace[round % toReplace.length]!;
          const form = new FormData();
          form.append('file', new File([await noise(seed++)], 'r.png'));
          const { status, json } = await s.api('PUT', `/images/${id}`, form);
          expect(status).toBe(200);
          record(id, `live:${json.contentHash}`);
        }
      })(),
      (async () => {
        for (let i = 0; running && i < toDelete.length; i++) {
          const id = toDelete[i]!;
          const hash = histories.get(id)!.states.at(-1)!.state.slice(5);
          // Alternately to the trash, for good, and out of the trash for good (a purge).
          const kind = i % 3;
          expect((await s.api('DELETE', `/images/${id}${kind === 1 ? '?permanent=true' : ''}`)).status).toBe(204);
          record(id, kind === 1 ? 'gone' : `trashed:${hash}`);
          if (kind === 2) {
            expect((await s.api('DELETE', `/images/${id}?permanent=true`)).status).toBe(204);
            record(id, 'gone');
          }
          await Bun.sleep(20);
        }
      })(),
    ];
    await Bun.sleep(100);

    const backupDir = join(work, 'backup');
    const began = performance.now();
    const backup = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    const ended = performance.now();
    running = false;
    await Promise.all(workers);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    // The backup really ran among changes.
    const during = [...histories.values()].flatMap((h) => h.states).filter((x) => x.ackedAt > began && x.ackedAt < ended).length;
    expect(during).toBeGreaterThan(3);

    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    const keys = Object.keys(manifest.originals);
    expect(keys.some((key) => key.startsWith(`${s.clientId}/${heic.json.id}/`) && key.endsWith('.master'))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${s.clientId}/${trashed}/`))).toBe(true);

    // Restore into a new directory and serve it with `imgapi serve`.
    const dataDir = join(work, 'restored');
    const restore = await cli(['restore', backupDir, '--data', dataDir]);
    expect([restore.code, restore.stderr]).toEqual([0, '']);
    restored = await spawnServe(dataDir, 0, { HOME: home, IMGAPI_LOG: 'off' });
    const api = (method: string, path: string) => apiRequest(restored!.url, s.apiKey, method, path);
    const trash = (await api('GET', '/trash?pageSize=100')).json.items as { image: { id: string; contentHash: string } }[];
    const observed = async (id: string): Promise<State> => {
      const got = await api('GET', `/images/${id}`);
      if (got.status === 200) {
        // Its original is there: a transform of it is made from the restored file.
        const thumb = await fetch(restored!.url + new URL(got.json.thumbnailUrl).pathname + new URL(got.json.thumbnailUrl).search);
        expect(thumb.status).toBe(200);
        return `live:${got.json.contentHash}`;
      }
      expect(got.status).toBe(404);
      const inTrash = trash.find((item) => item.image.id === id);
      if (inTrash) {
        expect(keys.some((key) => key.startsWith(`${s.clientId}/${id}/`))).toBe(true);
        return `trashed:${inTrash.image.contentHash}`;
      }
      return 'gone';
    };
    const wrong: unknown[] = [];
    let checkedBefore = 0;
    for (const history of histories.values()) {
      // The last state acknowledged before the backup began, or any later one (changes made while it ran may be in).
      const first = history.states.findLastIndex((x) => x.ackedAt < began);
      if (history.states[first]!.state !== 'absent') checkedBefore++;
      const allowed: State[] = history.states.slice(first).map((x) => (x.state === 'absent' ? 'gone' : x.state));
      const state = await observed(history.id);
      if (!allowed.includes(state)) wrong.push({ id: history.id, state, allowed });
    }
    expect(wrong).toEqual([]);
    expect(checkedBefore).toBeGreaterThan(20);

    for (const path of [signedPath, presetPath]) {
      const response = await fetch(restored.url + path);
      expect(response.status).toBe(200);
      const meta = await sharp(new Uint8Array(await response.arrayBuffer())).metadata();
      expect(meta.width).toBe(40);
    }
  }, 60_000);

  test('a second backup of unchanged data writes no content file again', async () => {
    const s = server!;
    const backupDir = join(work, 'backup');
    const again = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    expect(again.code).toBe(0);
    const blobs = filesUnder(join(backupDir, 'blobs'));
    const mtimes = new Map(blobs.map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs]));
    const third = await cli(['backup', backupDir, '--data', s.dataDir, '--json']);
    expect(third.code).toBe(0);
    const report = JSON.parse(third.stdout);
    expect(report).toMatchObject({ written: 0, bytesWritten: 0 });
    expect(report.kept).toBeGreaterThan(0);
    expect(filesUnder(join(backupDir, 'blobs')).map((f) => [f, statSync(join(backupDir, 'blobs', f)).mtimeMs])).toEqual([...mtimes]);
    expect((await cli(['backup', '--verify', backupDir])).code).toBe(0);
    // Each run's snapshot is its own file; the one the manifest no longer names is gone.
    expect(readdirSync(join(backupDir, 'database'))).toEqual([JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')).database.path.slice('database/'.length)]);
  }, 60_000);

  test('with PostgreSQL or a bucket configured it refuses and points to pg_dump, writing nothing', async () => {
    const target = join(work, 'pg-backup');
    for (const env of [{ IMGAPI_DATABASE_URL: 'postgres://imgapi@127.0.0.1:1/imgapi' }, { IMGAPI_STORAGE_URL: 's3://media/imgapi?endpoint=http://127.0.0.1:1&region=auto', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }] as Record<string, string>[]) {
      const refused = await cli(['backup', target, '--data', server!.dataDir], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('pg_dump');
      expect(existsSync(target)).toBe(false);
    }
  });

  test('--verify names a flipped byte; restore refuses a backup that does not verify and a non-empty data directory, writing nothing', async () => {
    const backupDir = join(work, 'backup');
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8'));
    const victim = manifest.files.find((f: { path: string }) => f.path.startsWith('blobs/')).path as string;
    const bytes = readFileSync(join(backupDir, victim));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(backupDir, victim), bytes);

    const verify = await cli(['backup', backupDir, '--verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`MISMATCH ${victim}`);

    const fresh = join(work, 'never-restored');
    const refused = await cli(['restore', backupDir, '--data', fresh]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(victim);
    expect(existsSync(fresh)).toBe(false);

    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(join(backupDir, victim), bytes);
    expect((await cli(['backup', backupDir, '--verify'])).code).toBe(0);
    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    const nonEmpty = await cli(['restore', backupDir, '--data', busy]);
    expect(nonEmpty.code).toBe(1);
    expect(nonEmpty.stderr).toContain('not empty');
    expect(readdirSync(busy)).toEqual(['keep.txt']);
  }, 60_000);
});
