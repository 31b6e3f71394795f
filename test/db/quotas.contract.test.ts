import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageRecord, Repositories } from '../../src/core/ports';
import { NO_QUOTAS, storedGuard } from '../../src/core/quotas';
import { openPostgres } from '../../src/db/postgres';
import { createPostgresRepositories } from '../../src/db/postgres-repositories';
import { createImageCounts } from '../../src/db/rows';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';
import { freshDatabase } from '../helpers/postgres';

/** The quota repository and the quota-checked image writes: the same answers on both metadata stores. */
const backends = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-quota-repo-'));
      const db = openSqlite(join(dir, 'imgapi.db'));
      return { repos: createSqliteRepositories(db) as Repositories, close: async () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const sql = await openPostgres(await freshDatabase(), { max: 8 });
      return { repos: createPostgresRepositories(sql, createImageCounts()) as Repositories, close: () => sql.close() };
    },
  },
];

const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
let seq = 0;
function image(clientId: string, bytes: number): ImageRecord {
  const id = `img${(++seq).toString().padStart(6, '0')}`;
  return {
    id, clientId, folderId: null, folderPath: '', originalName: `${id}.jpg`, frames: 1, format: 'jpeg', width: 10, height: 10, bytes,
    hasAlpha: false, contentHash: id, originalKey: `${clientId}/${id}/k`, version: 1, focalPoint: null, placeholder: null, tags: [], alt: '', meta: {}, createdAt: at, updatedAt: at,
  };
}

describe.each(backends)('quotas on $name', (backend) => {
  let repos: Repositories;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ repos, close } = await backend.open());
    for (const id of ['qa', 'qb']) await repos.clients.insert({ id, name: id, signingSecret: `s-${id}`, createdAt: at });
  }, 60_000);
  afterAll(() => close());

  test('no row: no limits; set, read back, replace and clear; all() lists only clients with a row', async () => {
    expect(await repos.quotas.get('qa')).toEqual(NO_QUOTAS);
    const big = { maxImages: 1_000_000_000, maxBytes: 2 ** 50, maxUploadBytes: 5_000_000_000, maxTransformsPerMinute: 600 };
    await repos.quotas.set('qa', big, at);
    expect(await repos.quotas.get('qa')).toEqual(big);
    await repos.quotas.set('qa', { ...big, maxBytes: null, maxTransformsPerMinute: null }, at);
    expect(await repos.quotas.get('qa')).toEqual({ ...big, maxBytes: null, maxTransformsPerMinute: null });
    expect([...(await repos.quotas.all()).keys()]).toEqual(['qa']);
  });

  test('stored(): images and bytes beyond 32 bits, only the client\'s own', async () => {
    await repos.images.insert(image('qb', 3_000_000_000));
    await repos.images.insert(image('qb', 3_000_000_001));
    await repos.images.insert(image('qa', 7));
    expect(await repos.quotas.stored('qb')).toEqual({ images: 2, bytes: 6_000_000_001 });
  });

  test('a guarded insert over the limit is rolled back and throws quota_exceeded; within it, it is written', async () => {
    const guard = storedGuard({ ...NO_QUOTAS, maxImages: 3 }, { images: 1, bytesBefore: 0, bytesAfter: 1 })!;
    const third = image('qb', 1);
    await repos.images.insert(third, [], undefined, guard);
    const fourth = image('qb', 1);
    await expect(repos.images.insert(fourth, [], undefined, guard)).rejects.toMatchObject({ code: 'quota_exceeded', status: 403 });
    expect(await repos.images.get('qb', fourth.id)).toBeNull();
    expect((await repos.quotas.stored('qb')).images).toBe(3);
  });

  test('a guarded update that grows past the byte limit is rolled back', async () => {
    const current = (await repos.images.list({ clientId: 'qa', scope: { kind: 'all' }, limit: 1, offset: 0 })).items[0]!;
    const guard = storedGuard({ ...NO_QUOTAS, maxBytes: 100 }, { images: 0, bytesBefore: current.bytes, bytesAfter: 500 })!;
    await expect(repos.images.update({ ...current, bytes: 500, version: 2 }, 1, [], undefined, guard)).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect((await repos.images.get('qa', current.id))!.bytes).toBe(current.bytes);
  });

  test('guarded inserts of one client at once: never more than the limit', async () => {
    const guard = storedGuard({ ...NO_QUOTAS, maxImages: 8 }, { images: 1, bytesBefore: 0, bytesAfter: 1 })!;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => repos.images.insert(image('qb', 1), [], undefined, guard)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(5);
    expect((await repos.quotas.stored('qb')).images).toBe(8);
  });

  test('a client deleted takes its quotas with it', async () => {
    await repos.clients.insert({ id: 'qc', name: 'qc', signingSecret: 's', createdAt: at });
    await repos.quotas.set('qc', { ...NO_QUOTAS, maxImages: 1 }, at);
    await repos.clients.delete('qc');
    expect(await repos.quotas.get('qc')).toEqual(NO_QUOTAS);
  });
});
