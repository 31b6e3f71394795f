import { afterEach, beforeEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxDispatcher, newMessageId } from '../../src/core/outbox';
import type { OutboxRepository } from '../../src/core/outbox/ports';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteOutboxRepository } from '../../src/db/sqlite-outbox';

/** The dispatcher's timing on the real clock, over a real SQLite outbox. */
let dir: string;
let db: ReturnType<typeof openSqlite>;
let repo: OutboxRepository;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imgapi-dispatcher-'));
  db = openSqlite(join(dir, 'imgapi.db'));
  repo = createSqliteOutboxRepository(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a retry is sent when it falls due, not at the next poll after it', async () => {
  // Polling every 2 s: a retry due 300 ms after the failure must not wait for the poll.
  const dispatcher = createOutboxDispatcher({ repo, retryBaseMs: 300, pollMs: 2_000 });
  const attempts: number[] = [];
  let failedAt = 0;
  dispatcher.register('test', async (m) => {
    attempts.push(Date.now() - failedAt);
    if (m.attempt === 1) {
      failedAt = Date.now();
      return { ok: false, error: 'down' };
    }
    return { ok: true };
  });
  dispatcher.start();
  try {
    await repo.enqueue([{ id: newMessageId(), kind: 'test', clientId: 'c', payload: {} }], Date.now());
    dispatcher.wake();
    const deadline = Date.now() + 5_000;
    while (attempts.length < 2 && Date.now() < deadline) await Bun.sleep(10);
    expect(attempts.length).toBe(2);
    expect(attempts[1]!).toBeGreaterThanOrEqual(295);
    expect(attempts[1]!).toBeLessThan(300 + 150);
  } finally {
    await dispatcher.stop();
  }
});

test('a slow row holds one slot: rows behind it are claimed as soon as any slot frees', async () => {
  const dispatcher = createOutboxDispatcher({ repo, concurrency: 2, pollMs: 5_000 });
  const done: string[] = [];
  dispatcher.register('test', async (m) => {
    const { name } = m.payload as { name: string };
    if (name === 'slow') await Bun.sleep(3_000);
    done.push(name);
    return { ok: true };
  });
  dispatcher.start();
  try {
    const started = Date.now();
    const row = (name: string) => ({ id: newMessageId(), kind: 'test', clientId: 'c', payload: { name } });
    await repo.enqueue([row('slow'), row('fast-1')], Date.now());
    dispatcher.wake();
    while (!done.includes('fast-1')) await Bun.sleep(10);
    // Enqueued while the slow one is still being sent: taken at once, not after it.
    await repo.enqueue([row('fast-2'), row('fast-3'), row('fast-4')], Date.now());
    dispatcher.wake();
    while (done.length < 4 && Date.now() - started < 2_500) await Bun.sleep(10);
    expect(done).toEqual(['fast-1', 'fast-2', 'fast-3', 'fast-4']);
    expect(Date.now() - started).toBeLessThan(2_500);
  } finally {
    await dispatcher.stop();
  }
  expect(done).toContain('slow');
}, 10_000);
