import { afterAll, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChangeFeed } from '../../src/core/change-feed';
import { createQuotaService } from '../../src/core/quotas';
import { createMemoryTransformBudget } from '../../src/core/transform-budget';
import { createPostgresTransformBudget } from '../../src/db/postgres-transform-budget';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteQuotaRepository } from '../../src/db/sqlite-quotas';
import { freePort } from '../helpers/ports';

// The token bucket of transforms a minute, and what the quota service does when the shared one
// (PostgreSQL) cannot be reached: each node counts its own meanwhile.

const dir = mkdtempSync(join(tmpdir(), 'imgapi-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a bucket: the minute in a burst, then one every 60/N s; eager work counted past empty, never refused; reset refills', async () => {
  const budget = createMemoryTransformBudget();
  const at = 1_000_000;
  const taken = [];
  for (let i = 0; i < 4; i++) taken.push((await budget.take('c', 3, at, false)).taken);
  expect(taken).toEqual([true, true, true, false]);
  expect(await budget.take('c', 3, at + 19_000, false)).toEqual({ taken: false, tokens: expect.closeTo(0.95, 5) });
  expect((await budget.take('c', 3, at + 20_000, false)).taken).toBe(true);
  expect(await budget.take('c', 3, at + 20_000, true)).toEqual({ taken: true, tokens: -1 });
  expect((await budget.take('other', 3, at, false)).taken).toBe(true);
  await budget.reset('c');
  expect(await budget.take('c', 3, at + 20_000, false)).toEqual({ taken: true, tokens: 2 });
});

test('the shared budget unreachable: each node counts its own, so the limit still holds rather than every miss failing', async () => {
  const db = openSqlite(join(dir, 'imgapi.db'));
  try {
    db.query("INSERT INTO clients (id, name, signing_secret, created_at) VALUES ('c', 'C', 'secret', '2026-01-01T00:00:00.000Z')").run();
    // A real PostgreSQL client, pointed at a port where no server listens.
    const sql = new SQL({ url: `postgres://nobody@127.0.0.1:${await freePort()}/none`, max: 1, connectionTimeout: 2 });
    const feed = createChangeFeed();
    const quotas = createQuotaService({ repo: createSqliteQuotaRepository(db), feed, now: () => new Date().toISOString(), budget: createPostgresTransformBudget(sql) });
    await quotas.set('c', { maxTransformsPerMinute: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await quotas.admitTransform('c').then(() => 'admitted', (e: { code?: string }) => e.code));
    expect(answers).toEqual(['admitted', 'admitted', 'quota_exceeded']);
    expect(quotas.pacedClients()).toEqual(['c']);
    await sql.close();
  } finally {
    db.close();
  }
});
