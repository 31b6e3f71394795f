import { afterAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { SQL } from 'bun';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core-services';
import { isolatedHome, runCli } from '../helpers/cli';
import { animation, jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';

// `imgapi doctor --backfill`: images stored before placeholders existed get theirs from their
// stored files; only rows without one are touched, so a second or interrupted run is safe.

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const HEIC = join(import.meta.dir, '../fixtures/heic/exif6.heic');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#ff8800"/></svg>';

/** A data directory with a JPEG, an HEIC, an SVG and a GIF uploaded by the CLI; their ids. */
async function installation(env: Record<string, string>) {
  const data = env.IMGAPI_DATA!;
  const files = join(tempDir('imgapi-backfill-files-'), 'in');
  mkdirSync(files);
  writeFileSync(join(files, 'photo.jpg'), await jpeg(400, 300, { color: '#c85a32', orientation: 6 }));
  writeFileSync(join(files, 'phone.heic'), new Uint8Array(await Bun.file(HEIC).arrayBuffer()));
  writeFileSync(join(files, 'logo.svg'), SVG);
  writeFileSync(join(files, 'spinner.gif'), await animation(40, 30, 3));
  const uploaded = await runCli(['upload', files, '--data', data], { env });
  expect([uploaded.code, uploaded.stderr.trim()]).toEqual([0, '4 uploaded, 0 unchanged, 0 failed']);
  return uploaded.stdout.trim().split('\n').map((line) => line.split('\t')[0]!);
}

const imageJson = async (id: string, env: Record<string, string>) => JSON.parse((await runCli(['image', 'get', id, '--json'], { env })).stdout);

describe('doctor --backfill (local mode, SQLite)', () => {
  test('fills the placeholders of images from before, the same as an upload computes; a second run does nothing', async () => {
    const data = tempDir('imgapi-backfill-');
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    expect((await runCli(['init', '--yes'], { env })).code).toBe(0);
    const ids = await installation(env);
    expect(ids).toHaveLength(4);
    const atUpload = new Map<string, unknown>();
    for (const id of ids) {
      const image = await imageJson(id, env);
      expect(image.placeholder).toMatchObject({ color: expect.stringMatching(/^#[0-9a-f]{6}$/), dataUri: expect.stringMatching(/^data:image\/webp;base64,/) });
      atUpload.set(id, image.placeholder);
    }

    // As if stored before placeholders existed.
    const db = new Database(join(data, 'imgapi.db'));
    db.query('UPDATE images SET placeholder = NULL').run();
    db.close();
    expect((await imageJson(ids[0]!, env)).placeholder).toBeNull();
    const checked = await runCli(['doctor', '--dry-run'], { env });
    expect(checked.stdout).toContain('4 image(s) without a placeholder: imgapi doctor --backfill computes them');
    const dry = await runCli(['doctor', '--backfill', '--dry-run', '--json'], { env });
    expect(JSON.parse(dry.stdout)).toEqual({ withoutPlaceholder: 4 });

    const run = await runCli(['doctor', '--backfill'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('4 placeholder(s) computed');
    expect(run.stderr).toContain('placeholders: 4 / 4');
    for (const id of ids) expect((await imageJson(id, env)).placeholder).toEqual(atUpload.get(id));

    const again = await runCli(['doctor', '--backfill', '--json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ total: 0, filled: 0, skipped: 0, failed: [] });
    expect((await runCli(['doctor', '--dry-run', '--json'], { env })).stdout).toContain('"withoutPlaceholder":0');
  }, 60_000);

  test('an interrupted run keeps what it finished and the next run does only the rest; a missing file is reported, exit 1', async () => {
    const data = tempDir('imgapi-backfill-stop-');
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    expect((await runCli(['init', '--yes'], { env })).code).toBe(0);
    const ids = await installation(env);
    const db = new Database(join(data, 'imgapi.db'));
    db.query('UPDATE images SET placeholder = NULL').run();
    const missing = () => db.query<{ n: number }, []>('SELECT count(*) AS n FROM images WHERE placeholder IS NULL').get()!.n;

    const core = await createCore(loadConfig({}, { data }));
    try {
      const stop = new AbortController();
      const first = await core.backfill.run({ batchSize: 1, signal: stop.signal, onProgress: () => stop.abort() });
      expect(first).toMatchObject({ total: 4, filled: 1, failed: [] });
      expect(missing()).toBe(3);
      const done = db.query<{ id: string; placeholder: string }, []>('SELECT id, placeholder FROM images WHERE placeholder IS NOT NULL').get()!;

      const rest = await core.backfill.run({ batchSize: 2 });
      expect(rest).toMatchObject({ total: 3, filled: 3, skipped: 0, failed: [] });
      expect(missing()).toBe(0);
      expect(db.query<{ placeholder: string }, [string]>('SELECT placeholder FROM images WHERE id = ?').get(done.id)!.placeholder).toBe(done.placeholder);
    } finally {
      await core.close();
    }

    // An image whose original is gone cannot get one: reported, the others still done.
    db.query('UPDATE images SET placeholder = NULL').run();
    // Not the HEIC: its placeholder comes from its working master, which is still there.
    const [lost] = db.query<{ original_key: string; id: string }, []>("SELECT id, original_key FROM images WHERE format <> 'heic' ORDER BY id LIMIT 1").all();
    rmSync(join(data, 'originals', lost!.original_key));
    db.close();
    const run = await runCli(['doctor', '--backfill'], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('3 placeholder(s) computed');
    expect(run.stdout).toContain(`FAILED image ${lost!.id} (client default)`);
    expect(ids).toContain(lost!.id);
  }, 60_000);
});

describe('doctor --backfill on PostgreSQL', () => {
  test('fills the rows of a PostgreSQL installation from its files, once', async () => {
    const data = tempDir('imgapi-backfill-pg-');
    const databaseUrl = await freshDatabase();
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data, IMGAPI_DATABASE_URL: databaseUrl };
    const core = await createCore(loadConfig(env, { data }));
    let id: string;
    let atUpload: unknown;
    try {
      await core.accounts.createClient('Default', 'default');
      const image = await core.images.upload('default', { data: await jpeg(300, 200, { color: '#2050d0' }), fileName: 'pg.jpg' });
      ({ id, placeholder: atUpload } = image);
      expect(atUpload).not.toBeNull();
    } finally {
      await core.close();
    }
    const sql = new SQL(databaseUrl);
    try {
      await sql`UPDATE images SET placeholder = NULL`;
      const run = await runCli(['doctor', '--backfill', '--json'], { env });
      expect([run.code, JSON.parse(run.stdout)]).toEqual([0, { total: 1, filled: 1, skipped: 0, failed: [] }]);
      const [row] = await sql`SELECT placeholder FROM images WHERE id = ${id!}`;
      expect(JSON.parse(row.placeholder)).toEqual(atUpload);
      const again = await runCli(['doctor', '--backfill', '--json'], { env });
      expect(JSON.parse(again.stdout)).toMatchObject({ total: 0, filled: 0 });
      expect((await imageJson(id!, env)).placeholder).toEqual(atUpload);
    } finally {
      await sql.close();
    }
  }, 60_000);
});
