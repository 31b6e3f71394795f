import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxDispatcher, newMessageId, retryDelay, type OutboxMessage } from '../../src/core/outbox';
import type { ImageRecord, Repositories } from '../../src/core/ports';
import { openPostgres } from '../../src/db/postgres';
import { createPostgresRepositories } from '../../src/db/postgres-repositories';
import { createImageCounts } from '../../src/db/rows';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';
import { freshDatabase } from '../helpers/postgres';

/** The outbox against both metadata stores: written with the change or not at all, claimed once. */
const backends = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-outbox-'));
      const file = join(dir, 'imgapi.db');
      const db = openSqlite(file);
      const second = openSqlite(file);
      return {
        repos: createSqliteRepositories(db),
        // Another process on the same file: its claims compete with ours.
        other: createSqliteRepositories(second),
        async close() {
          second.close();
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const url = await freshDatabase();
      const sql = await openPostgres(url, { max: 4 });
      const other = await openPostgres(url, { max: 4 });
      return {
        repos: createPostgresRepositories(sql, createImageCounts()),
        other: createPostgresRepositories(other, createImageCounts()),
        async close() {
          await other.close();
          await sql.close();
        },
      };
    },
  },
];

const message = (clientId: string, payload: unknown = {}): OutboxMessage => ({ id: newMessageId(), kind: 'test', clientId, payload });

function image(clientId: string): ImageRecord {
  const at = new Date().toISOString();
  return {
    id: `img${Math.random().toString(36).slice(2, 10)}`, clientId, folderId: null, folderPath: '', originalName: 'a.jpg', format: 'jpeg',
    width: 1, height: 1, bytes: 1, hasAlpha: false, frames: 1, contentHash: 'h', originalKey: 'k', version: 1, focalPoint: null,
    placeholder: null, tags: [], alt: '', meta: {}, createdAt: at, updatedAt: at,
  };
}

for (const backend of backends) {
  describe(`outbox on ${backend.name}`, () => {
    let store: Awaited<ReturnType<typeof backend.open>>;
    let repos: Repositories;
    beforeAll(async () => {
      store = await backend.open();
      repos = store.repos;
      await repos.clients.insert({ id: 'acme', name: 'Acme', signingSecret: 's'.repeat(43), createdAt: new Date().toISOString() });
    });
    afterAll(() => store.close());

    test('rows commit with the change, and none when the change does not happen', async () => {
      const before = await repos.outbox.pending();
      const img = image('acme');
      await repos.images.insert(img, [message('acme', { n: 1 })]);
      expect(await repos.outbox.pending()).toBe(before + 1);
      // A failed insert (duplicate id) writes no row either.
      await expect(repos.images.insert(img, [message('acme')])).rejects.toThrow();
      expect(await repos.outbox.pending()).toBe(before + 1);
      // An update of a version that moved on changes nothing and writes nothing.
      expect(await repos.images.update({ ...img, version: 3 }, 2, [message('acme')])).toBe(false);
      expect(await repos.images.delete('acme', 'nope', [message('acme')])).toBe(false);
      expect(await repos.outbox.pending()).toBe(before + 1);
      expect(await repos.images.delete('acme', img.id, [message('acme')])).toBe(true);
      expect(await repos.outbox.pending()).toBe(before + 2);
      const folders: string[] = [];
      await repos.folders.ensurePath('acme', ['a', 'b'], () => `f${Math.random().toString(36).slice(2)}`, new Date().toISOString(), 100, (made) =>
        made.map((f) => (folders.push(f.path), message('acme', { path: f.path }))),
      );
      expect(folders).toEqual(['a', 'a/b']);
      expect(await repos.outbox.pending()).toBe(before + 4);
      // Drain for the next tests.
      for (const row of await repos.outbox.claimDue(Date.now(), 100, 60_000)) await repos.outbox.complete(row.id, row.attempt);
      expect(await repos.outbox.pending()).toBe(0);
    });

    test('two claimers at once take each row once; a claimed row is due again after its lease', async () => {
      const ids = Array.from({ length: 40 }, () => message('acme'));
      await repos.outbox.enqueue(ids, Date.now());
      await repos.outbox.enqueue(ids.slice(0, 5), Date.now()); // the same ids again: kept once
      const now = Date.now();
      const claims = await Promise.all([
        ...Array.from({ length: 4 }, () => repos.outbox.claimDue(now, 7, 60_000)),
        ...Array.from({ length: 4 }, () => store.other.outbox.claimDue(now, 7, 60_000)),
      ]);
      const claimed = claims.flat().map((row) => row.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.length).toBe(40);
      expect(await repos.outbox.claimDue(now, 100, 60_000)).toEqual([]);
      const again = await repos.outbox.claimDue(now + 60_000, 100, 60_000);
      expect(again.length).toBe(40);
      expect(again.every((row) => row.attempt === 2)).toBe(true);
      for (const row of again) await repos.outbox.complete(row.id, row.attempt);
    });

    test('complete and reschedule act only on their own claim: a row claimed again after its lease is the new claimant\'s', async () => {
      const [a, b] = [message('acme'), message('acme')];
      const now = Date.now();
      await repos.outbox.enqueue([a, b], now);
      const first = await repos.outbox.claimDue(now, 10, 1_000);
      expect(first.map((row) => row.attempt)).toEqual([1, 1]);
      // The lease runs out; another node claims both rows again.
      const second = await store.other.outbox.claimDue(now + 1_000, 10, 60_000);
      expect(second.map((row) => row.attempt)).toEqual([2, 2]);
      const [oldA, oldB] = [first.find((row) => row.id === a.id)!, first.find((row) => row.id === b.id)!];
      // The old claimant finishing late neither deletes nor reschedules them.
      await repos.outbox.complete(oldA.id, oldA.attempt);
      await repos.outbox.reschedule(oldB.id, oldB.attempt, now, 'late failure');
      expect(await repos.outbox.pending()).toBe(2);
      expect(await repos.outbox.claimDue(now + 1_000, 10, 60_000)).toEqual([]);
      // The new claimant's calls do act.
      const newB = second.find((row) => row.id === b.id)!;
      await store.other.outbox.reschedule(newB.id, newB.attempt, now + 2_000, 'down');
      expect((await repos.outbox.claimDue(now + 2_000, 10, 60_000)).map((row) => `${row.id}#${row.attempt}`)).toEqual([`${b.id}#3`]);
      await store.other.outbox.complete(a.id, 2);
      await repos.outbox.complete(b.id, 3);
      expect(await repos.outbox.pending()).toBe(0);
    });

    test('the dispatcher drops a row past its maximum age at claim time, unsent', async () => {
      let clock = 5_000_000;
      const dispatcher = createOutboxDispatcher({ repo: repos.outbox, maxAgeMs: 10_000, now: () => clock });
      const seen: number[] = [];
      dispatcher.register('test', async (m) => (seen.push((m.payload as { n: number }).n), { ok: true }));
      await repos.outbox.enqueue([message('acme', { n: 1 })], clock - 10_000);
      await repos.outbox.enqueue([message('acme', { n: 2 })], clock - 9_999);
      await dispatcher.runOnce();
      expect(seen).toEqual([2]);
      expect(await repos.outbox.pending()).toBe(0);
    });

    test('attempt log keeps the last 100 per target, newest first', async () => {
      for (let i = 0; i < 105; i++) {
        await repos.outbox.logAttempt({
          targetId: 't1', messageId: `m${i}`, event: 'image.created', attempt: 1, ok: i % 2 === 0, status: i % 2 ? null : 200,
          latencyMs: i, error: i % 2 ? 'refused' : null, at: new Date().toISOString(),
        });
      }
      const log = await repos.outbox.attempts('t1', 1000);
      expect(log.length).toBe(100);
      expect(log[0]).toMatchObject({ messageId: 'm104', ok: true, status: 200, latencyMs: 104, error: null });
      expect(log[1]).toMatchObject({ messageId: 'm103', ok: false, status: null, error: 'refused' });
      expect(log.at(-1)!.messageId).toBe('m5');
    });

    test('the dispatcher delivers, retries with back-off and drops what a sender gives up on', async () => {
      let clock = 1_000_000;
      const dispatcher = createOutboxDispatcher({ repo: repos.outbox, retryBaseMs: 5_000, now: () => clock });
      const seen: string[] = [];
      dispatcher.register('test', async (m) => {
        seen.push(`${(m.payload as { n: number }).n}#${m.attempt}`);
        const n = (m.payload as { n: number }).n;
        if (n === 1) return { ok: true };
        if (n === 2) return m.attempt < 3 ? { ok: false, error: 'down' } : { ok: true };
        return { ok: false, error: 'gone', drop: true };
      });
      await repos.outbox.enqueue([1, 2, 3].map((n) => message('acme', { n })), clock);
      await dispatcher.runOnce();
      expect(seen.sort()).toEqual(['1#1', '2#1', '3#1']);
      expect(await repos.outbox.pending()).toBe(1);
      clock += 4_999;
      await dispatcher.runOnce();
      expect(seen.length).toBe(3); // the first retry comes 5 s after the failure
      clock += 1;
      await dispatcher.runOnce();
      clock += 9_999;
      await dispatcher.runOnce();
      expect(seen.length).toBe(4);
      clock += 1;
      await dispatcher.runOnce();
      expect(seen.slice(3)).toEqual(['2#2', '2#3']);
      expect(await repos.outbox.pending()).toBe(0);
      expect([1, 2, 3, 20].map((a) => retryDelay(a, 5_000, 3_600_000))).toEqual([5_000, 10_000, 20_000, 3_600_000]);
    });
  });
}
