import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditAction } from '../../src/core/audit/actions';
import type { AuditEntry, AuditQuery, AuditRepository } from '../../src/core/audit/ports';
import { openPostgres } from '../../src/db/postgres';
import { createPostgresRepositories } from '../../src/db/postgres-repositories';
import { createImageCounts } from '../../src/db/rows';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';
import { freshDatabase } from '../helpers/postgres';

/** The audit repository against both metadata stores: the same calls, the same answers. */
const backends = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-audit-'));
      const db = openSqlite(join(dir, 'imgapi.db'));
      return {
        repo: createSqliteRepositories(db).audit,
        async close() {
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const sql = await openPostgres(await freshDatabase(), { max: 4 });
      return { repo: createPostgresRepositories(sql, createImageCounts()).audit, close: () => sql.close() };
    },
  },
];

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

function entry(n: number, fields: Partial<AuditEntry> & { action: AuditAction }): AuditEntry {
  return {
    time: at(n),
    actor: { kind: 'key', id: 'k1', name: 'CI Key' },
    clientId: 'acme',
    target: { id: `t${n}`, name: `name ${n}` },
    address: '203.0.113.9',
    ...fields,
  };
}

const all = (q: Partial<AuditQuery> = {}): AuditQuery => ({ visibleClients: null, limit: 100, offset: 0, ...q });
const targets = async (repo: AuditRepository, q: Partial<AuditQuery> = {}) => (await repo.list(all(q))).items.map((e) => e.target.id);

describe.each(backends)('audit repository on $name', (backend) => {
  let repo: AuditRepository;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ repo, close } = await backend.open());
    await repo.insert([
      entry(1, { action: 'image.upload' }),
      entry(2, { action: 'image.update', actor: { kind: 'user', id: 'u1', name: 'Ängel' } }),
      entry(3, { action: 'preset.create', clientId: 'other' }),
      entry(4, { action: 'user.invite', clientId: null, actor: { kind: 'user', id: 'u1', name: 'Ängel' }, address: null }),
      entry(5, { action: 'image.expire', actor: { kind: 'system', id: null, name: 'system' }, address: null, target: { id: 't5', name: null } }),
    ]);
    // Written in one moment (a bulk action): listed newest-written first.
    await repo.insert([entry(6, { action: 'image.delete', target: { id: 'b1', name: null } }), entry(6, { action: 'image.delete', target: { id: 'b2', name: null } })]);
  });
  afterAll(() => close());

  test('every field read back as written; newest first, one moment in reverse write order', async () => {
    const { items, total } = await repo.list(all());
    expect(total).toBe(7);
    expect(items.map((e) => e.target.id)).toEqual(['b2', 'b1', 't5', 't4', 't3', 't2', 't1']);
    expect(items[2]).toEqual({ time: at(5), actor: { kind: 'system', id: null, name: 'system' }, clientId: 'acme', action: 'image.expire', target: { id: 't5', name: null }, address: null });
    expect(items[6]).toEqual(entry(1, { action: 'image.upload' }));
    expect(items[3]!.clientId).toBeNull();
  });

  test('filters: visible clients (installation-wide entries only for all), client, actions, actor by id, name ignoring case or kind, time bounds inclusive', async () => {
    expect(await targets(repo, { visibleClients: ['acme'] })).toEqual(['b2', 'b1', 't5', 't2', 't1']);
    expect(await targets(repo, { visibleClients: [] })).toEqual([]);
    expect(await targets(repo, { clientId: 'other' })).toEqual(['t3']);
    expect(await targets(repo, { visibleClients: ['acme'], clientId: 'other' })).toEqual([]);
    expect(await targets(repo, { actions: ['image.upload', 'image.update'] })).toEqual(['t2', 't1']);
    expect(await targets(repo, { actor: 'u1' })).toEqual(['t4', 't2']);
    expect(await targets(repo, { actor: 'ängel' })).toEqual(['t4', 't2']);
    expect(await targets(repo, { actor: 'ci key' })).toEqual(['b2', 'b1', 't3', 't1']);
    expect(await targets(repo, { actor: 'system' })).toEqual(['t5']);
    expect(await targets(repo, { from: at(2), to: at(4) })).toEqual(['t4', 't3', 't2']);
    expect((await repo.list(all({ actor: 'key', from: at(6) }))).total).toBe(2);
  });

  test('paging: the total of the filter, pages that never overlap', async () => {
    const first = await repo.list(all({ limit: 3, offset: 0 }));
    const second = await repo.list(all({ limit: 3, offset: 3 }));
    const third = await repo.list(all({ limit: 3, offset: 6 }));
    expect([first.total, second.total, third.total]).toEqual([7, 7, 7]);
    expect([...first.items, ...second.items, ...third.items].map((e) => e.target.id)).toEqual(['b2', 'b1', 't5', 't4', 't3', 't2', 't1']);
  });

  test('deleteBefore drops what is older than the time (not at it), says how many', async () => {
    expect(await repo.deleteBefore(at(3))).toBe(2);
    expect(await targets(repo)).toEqual(['b2', 'b1', 't5', 't4', 't3']);
    expect(await repo.deleteBefore(at(0))).toBe(0);
  });

  test('a bulk insert of 500 entries is one write', async () => {
    await repo.insert(Array.from({ length: 500 }, (_, i) => entry(10, { action: 'image.update', target: { id: `bulk${i}`, name: null } })));
    expect((await repo.list(all({ from: at(10), limit: 1 }))).total).toBe(500);
  });
});
