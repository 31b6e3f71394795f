import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../src/core/errors';
import { validateUsername } from '../../src/core/users';
import type { FolderRecord, ImageRecord, Repositories } from '../../src/core/ports';
import type { PurgeTargetRecord } from '../../src/core/purge/ports';
import { openPostgres } from '../../src/db/postgres';
import { createPostgresChangeBus } from '../../src/db/postgres-change-bus';
import { createPostgresRepositories } from '../../src/db/postgres-repositories';
import { createImageCounts } from '../../src/db/rows';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';
import { freshDatabase } from '../helpers/postgres';

/**
 * Every query the core makes, against both metadata stores: the same calls must give the
 * same answers on SQLite and on a real PostgreSQL.
 */
interface Backend {
  name: string;
  open(): Promise<{ repos: Repositories; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-repo-'));
      const db = openSqlite(join(dir, 'imgapi.db'));
      return {
        repos: createSqliteRepositories(db),
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
      return { repos: createPostgresRepositories(sql, createImageCounts()), close: () => sql.close() };
    },
  },
];

let seq = 0;
const id = (prefix: string) => `${prefix}${(++seq).toString(36).padStart(6, '0')}`;
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

function image(clientId: string, folder: FolderRecord | null, name: string, n: number): ImageRecord {
  const imageId = id('img');
  return {
    id: imageId,
    clientId,
    folderId: folder?.id ?? null,
    folderPath: folder?.path ?? '',
    originalName: name,
    frames: 1,
    format: 'jpeg',
    width: 640,
    height: 480,
    bytes: 5_000_000_000 + n, // beyond 32 bits: BIGINT must come back as the same number
    hasAlpha: n % 2 === 0,
    contentHash: `hash${n}`,
    originalKey: `${clientId}/${imageId}/k${n}`,
    version: 1,
    focalPoint: null,
    placeholder: null,
    tags: [],
    alt: '',
    meta: {},
    createdAt: at(n),
    updatedAt: at(n),
  };
}

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('conflict');
}

describe.each(backends)('repositories on $name', (backend) => {
  let repos: Repositories;
  let close: () => Promise<void>;
  const clientId = 'acme';
  const other = 'other';

  beforeAll(async () => {
    ({ repos, close } = await backend.open());
    for (const c of [clientId, other]) {
      await repos.clients.insert({ id: c, name: c.toUpperCase(), signingSecret: `secret-${c}`, createdAt: at(0) });
    }
  });
  afterAll(() => close());

  test('clients: insert, get, list in creation order, duplicate id is a conflict', async () => {
    expect(await repos.clients.get(clientId)).toEqual({ id: clientId, name: 'ACME', signingSecret: 'secret-acme', createdAt: at(0) });
    expect(await repos.clients.get('nobody')).toBeNull();
    expect((await repos.clients.list()).map((c) => c.id)).toEqual(['acme', 'other']);
    await expectConflict(repos.clients.insert({ id: clientId, name: 'again', signingSecret: 'x', createdAt: at(1) }));
  });

  test('clients: a rotation keeps the previous secret with its end, or none; an unknown id or a secret rotated meanwhile changes nothing', async () => {
    await repos.clients.insert({ id: 'rotor', name: 'Rotor', signingSecret: 'first', createdAt: at(0) });
    expect(await repos.clients.rotateSecret('rotor', 'first', 'second', { secret: 'first', validUntil: at(5) })).toBe(true);
    expect(await repos.clients.get('rotor')).toEqual({
      id: 'rotor', name: 'Rotor', signingSecret: 'second', createdAt: at(0), previousSecret: { secret: 'first', validUntil: at(5) },
    });
    // A rotation that read 'first' lost the race to the one above: nothing changes.
    expect(await repos.clients.rotateSecret('rotor', 'first', 'lost', null)).toBe(false);
    expect((await repos.clients.get('rotor'))!.signingSecret).toBe('second');
    expect(await repos.clients.rotateSecret('rotor', 'second', 'third', null)).toBe(true);
    expect(await repos.clients.get('rotor')).toEqual({ id: 'rotor', name: 'Rotor', signingSecret: 'third', createdAt: at(0) });
    expect((await repos.clients.get('rotor'))!.previousSecret).toBeUndefined();
    expect(await repos.clients.rotateSecret('nobody', 'x', 'y', null)).toBe(false);
  });

  test('clients: names are unique ignoring case in the database too (insert and rename answer 409 naming the name); the id clash is told apart', async () => {
    await repos.clients.insert({ id: 'named', name: 'Shop Front', signingSecret: 's', createdAt: at(1) });
    const clash = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as AppError);
    const byName = await clash(repos.clients.insert({ id: 'named2', name: 'shop FRONT', signingSecret: 's', createdAt: at(2) }));
    expect(byName).toBeInstanceOf(AppError);
    expect([byName!.code, byName!.status, byName!.message]).toEqual(['conflict', 409, 'A client named "shop FRONT" already exists (names are unique ignoring case)']);
    expect((await clash(repos.clients.insert({ id: 'named', name: 'Elsewhere', signingSecret: 's', createdAt: at(2) })))!.message).toBe('Client "named" already exists');
    const renamed = await clash(repos.clients.rename('rotor', 'SHOP front'));
    expect([renamed!.code, renamed!.message]).toEqual(['conflict', 'A client named "SHOP front" already exists (names are unique ignoring case)']);
    expect((await repos.clients.get('rotor'))!.name).toBe('Rotor');
    expect(await repos.clients.get('named2')).toBeNull();
    // Its own name in another case is no clash.
    expect(await repos.clients.rename('named', 'SHOP FRONT')).toBe(true);
    expect((await repos.clients.get('named'))!.name).toBe('SHOP FRONT');
    expect(await repos.clients.delete('named')).toBe(true);
  });

  test('API keys: found by hash only, listed per client, touched, deleted within their client', async () => {
    const key = { id: id('key'), clientId, name: 'ci', prefix: 'ik_abc', createdAt: at(1), lastUsedAt: null, createdBy: null };
    await repos.apiKeys.insert(key, 'hash-1');
    expect(await repos.apiKeys.findByHash('hash-1')).toEqual(key);
    expect(await repos.apiKeys.findByHash('hash-2')).toBeNull();
    await repos.apiKeys.touch(key.id, at(5));
    expect((await repos.apiKeys.list(clientId))).toEqual([{ ...key, lastUsedAt: at(5) }]);
    expect(await repos.apiKeys.list(other)).toEqual([]);
    expect(await repos.apiKeys.delete(other, key.id)).toBe(false);
    expect(await repos.apiKeys.delete(clientId, key.id)).toBe(true);
    expect(await repos.apiKeys.findByHash('hash-1')).toBeNull();
  });

  test('API keys remember the user who made them: listed and counted by maker, across clients', async () => {
    const maker = id('usr');
    const mine = { id: id('key'), clientId, name: 'mine', prefix: 'ik_m1', createdAt: at(1), lastUsedAt: null, createdBy: maker };
    const mineElsewhere = { ...mine, id: id('key'), clientId: other, prefix: 'ik_m2', createdAt: at(2) };
    const byCli = { ...mine, id: id('key'), prefix: 'ik_c1', createdBy: null };
    await repos.apiKeys.insert(mine, 'hash-m1');
    await repos.apiKeys.insert(mineElsewhere, 'hash-m2');
    await repos.apiKeys.insert(byCli, 'hash-c1');
    expect(await repos.apiKeys.listByCreator(maker)).toEqual([mine, mineElsewhere]);
    expect(await repos.apiKeys.listByCreator(id('usr'))).toEqual([]);
    expect((await repos.apiKeys.countByCreator()).get(maker)).toBe(2);
    expect([...(await repos.apiKeys.countByCreator()).keys()]).not.toContain(null);
    expect(await repos.apiKeys.findByHash('hash-c1')).toEqual(byCli);
    for (const k of [mine, mineElsewhere, byCli]) expect(await repos.apiKeys.delete(k.clientId, k.id)).toBe(true);
    expect((await repos.apiKeys.countByCreator()).has(maker)).toBe(false);
  });

  test('users and sessions: unique names, live sessions only, expiry sweep', async () => {
    const user = { id: id('usr'), username: 'admin', passwordHash: '$argon2id$x', role: 'owner' as const, clientIds: [], disabledAt: null, createdAt: at(1) };
    expect(await repos.users.count()).toBe(0);
    await repos.users.insert(user);
    await expectConflict(repos.users.insert({ ...user, id: id('usr') }));
    // The database's own rule, not only the service's check before it: two nodes racing.
    await expectConflict(repos.users.insert({ ...user, id: id('usr'), username: 'ADMIN' }));
    expect(await repos.users.findByUsername('admin')).toEqual(user);
    expect(await repos.users.findByUsername('Admin')).toBeNull();
    expect(await repos.users.count()).toBe(1);

    await repos.sessions.insert('live', user.id, at(1), at(100));
    await repos.sessions.insert('old', user.id, at(1), at(10));
    expect(await repos.sessions.find('live', at(50))).toEqual({ userId: user.id, username: 'admin', role: 'owner', expiresAt: at(100) });
    expect(await repos.sessions.find('old', at(50))).toBeNull();
    await repos.sessions.deleteExpired(at(50));
    expect(await repos.sessions.find('old', at(5))).toBeNull();
    await repos.sessions.delete('live');
    expect(await repos.sessions.find('live', at(50))).toBeNull();
  });

  test('users: role, granted clients (unknown ones left out, gone with their client), disabling hides sessions, ending sessions but one', async () => {
    await repos.clients.insert({ id: 'gone', name: 'Gone', signingSecret: 's', createdAt: at(0) });
    const member = { id: id('usr'), username: 'mia', passwordHash: 'h', role: 'member' as const, clientIds: [clientId, 'gone', 'nowhere'], disabledAt: null, createdAt: at(2) };
    await repos.users.insert(member);
    expect((await repos.users.get(member.id))!.clientIds).toEqual([clientId, 'gone']);
    expect(await repos.users.clientIds(member.id)).toEqual([clientId, 'gone']);
    await repos.clients.delete('gone');
    expect(await repos.users.clientIds(member.id)).toEqual([clientId]);
    await repos.users.setClients(member.id, [other, 'nowhere']);
    expect(await repos.users.clientIds(member.id)).toEqual([other]);
    expect((await repos.users.list()).find((u) => u.id === member.id)).toEqual({ ...member, clientIds: [other] });

    expect(await repos.users.update(member.id, { role: 'viewer' })).toBe(true);
    expect(await repos.users.update('nobody', { role: 'viewer' })).toBe(false);
    await repos.sessions.insert('m1', member.id, at(1), at(100));
    await repos.sessions.insert('m2', member.id, at(1), at(100));
    await repos.sessions.insert('m3', member.id, at(1), at(100));
    expect((await repos.sessions.find('m1', at(5)))!.role).toBe('viewer');
    await repos.sessions.deleteForUser(member.id, 'm1');
    expect(await repos.sessions.find('m2', at(5))).toBeNull();
    expect(await repos.sessions.find('m3', at(5))).toBeNull();
    await repos.users.update(member.id, { disabledAt: at(6) });
    expect(await repos.sessions.find('m1', at(7))).toBeNull();
    await repos.users.update(member.id, { disabledAt: null, passwordHash: 'h2' });
    expect((await repos.sessions.find('m1', at(7)))!.username).toBe('mia');
    expect((await repos.users.get(member.id))!.passwordHash).toBe('h2');
    await repos.sessions.deleteForUser(member.id);
    expect(await repos.sessions.find('m1', at(7))).toBeNull();
  });

  test('users: role and disabled changed with the last-owner check in one transaction, at once too; grants one row each', async () => {
    const owners = (await repos.users.list()).filter((u) => u.role === 'owner' && u.disabledAt === null);
    const ann = { id: id('usr'), username: 'ann', passwordHash: 'h', role: 'owner' as const, clientIds: [], disabledAt: null, createdAt: at(3) };
    const bob = { ...ann, id: id('usr'), username: 'bob' };
    await repos.users.insert(ann);
    await repos.users.insert(bob);
    for (const o of owners) expect(await repos.users.updateAccess(o.id, { role: 'admin' })).toBe('updated');
    // Ann and Bob are the only enabled owners: demoted at once, exactly one change passes.
    const raced = await Promise.all([repos.users.updateAccess(ann.id, { role: 'member' }), repos.users.updateAccess(bob.id, { disabledAt: at(4) })]);
    expect(raced.sort()).toEqual(['last_owner', 'updated']);
    const last = (await repos.users.list()).filter((u) => u.role === 'owner' && u.disabledAt === null);
    expect(last).toHaveLength(1);
    expect(await repos.users.updateAccess(last[0]!.id, { role: 'viewer' })).toBe('last_owner');
    expect(await repos.users.updateAccess(last[0]!.id, { disabledAt: at(5) })).toBe('last_owner');
    expect(await repos.users.updateAccess(last[0]!.id, { role: 'owner', disabledAt: null })).toBe('updated');
    expect(await repos.users.updateAccess('nobody', { role: 'admin' })).toBe('not_found');
    expect(await repos.users.updateAccess(ann.id, { role: 'owner', disabledAt: null })).toBe('updated');
    expect(await repos.users.updateAccess(bob.id, { role: 'owner', disabledAt: null })).toBe('updated');
    expect(await repos.users.get(bob.id)).toMatchObject({ role: 'owner', disabledAt: null });
    for (const o of owners) expect(await repos.users.updateAccess(o.id, { role: 'owner' })).toBe('updated');

    const gil = { ...ann, id: id('usr'), username: 'gil', role: 'member' as const };
    await repos.users.insert(gil);
    await Promise.all([repos.users.grant(gil.id, clientId), repos.users.grant(gil.id, other), repos.users.grant(gil.id, 'nowhere')]);
    await repos.users.grant(gil.id, clientId);
    expect((await repos.users.clientIds(gil.id)).sort()).toEqual([clientId, other].sort());
    expect(await Promise.all([repos.users.revoke(gil.id, clientId), repos.users.revoke(gil.id, other)])).toEqual([true, true]);
    expect(await repos.users.revoke(gil.id, clientId)).toBe(false);
    expect(await repos.users.clientIds(gil.id)).toEqual([]);
  });

  test('invites and password resets: accepted once, never after expiry; a taken name changes nothing; withdrawn while pending only', async () => {
    const invite = { id: id('inv'), role: 'member' as const, clientIds: [clientId], createdBy: null, createdAt: at(1), expiresAt: at(100), usedAt: null };
    await repos.invites.insert(invite, 'inv-hash');
    expect(await repos.invites.findByHash('inv-hash')).toEqual(invite);
    expect(await repos.invites.listPending(at(50))).toEqual([invite]);
    expect(await repos.invites.listPending(at(100))).toEqual([]);
    const newcomer = (username: string) => ({ id: id('usr'), username, passwordHash: 'h', disabledAt: null, createdAt: at(2) });
    await expectConflict(repos.invites.accept('inv-hash', at(2), newcomer('admin')));
    await expectConflict(repos.invites.accept('inv-hash', at(2), newcomer('Admin')));
    expect((await repos.invites.findByHash('inv-hash'))!.usedAt).toBeNull();
    expect(await repos.invites.accept('inv-hash', at(100), newcomer('late'))).toBe(false);
    const accepted = newcomer('nia');
    expect(await repos.invites.accept('inv-hash', at(3), accepted)).toBe(true);
    expect(await repos.users.findByUsername('nia')).toEqual({ ...accepted, role: 'member', clientIds: [clientId] });
    expect(await repos.invites.accept('inv-hash', at(4), newcomer('twice'))).toBe(false);
    expect(await repos.users.findByUsername('twice')).toBeNull();
    expect((await repos.invites.findByHash('inv-hash'))!.usedAt).toBe(at(3));
    expect(await repos.invites.delete(invite.id)).toBe(false);
    const pending = { ...invite, id: id('inv') };
    await repos.invites.insert(pending, 'inv-hash-2');
    expect(await repos.invites.delete(pending.id)).toBe(true);
    expect(await repos.invites.findByHash('inv-hash-2')).toBeNull();

    const nia = (await repos.users.findByUsername('nia'))!;
    await repos.sessions.insert('nia-session', nia.id, at(3), at(100));
    await repos.passwordResets.insert({ userId: nia.id, createdAt: at(3), expiresAt: at(60), usedAt: null }, 'reset-hash');
    expect(await repos.passwordResets.findByHash('reset-hash')).toEqual({ userId: nia.id, createdAt: at(3), expiresAt: at(60), usedAt: null });
    expect(await repos.passwordResets.accept('reset-hash', at(60), 'late')).toBeNull();
    expect(await repos.passwordResets.accept('reset-hash', at(10), 'new-hash')).toBe(nia.id);
    expect((await repos.users.get(nia.id))!.passwordHash).toBe('new-hash');
    expect(await repos.sessions.find('nia-session', at(11))).toBeNull();
    expect(await repos.passwordResets.accept('reset-hash', at(11), 'again')).toBeNull();
    expect((await repos.passwordResets.findByHash('reset-hash'))!.usedAt).toBe(at(10));
  });

  test('presets: per client, sorted by name, unique names, widths kept', async () => {
    const thumb = { id: id('pre'), clientId, name: 'thumb', params: 'w_200', widths: null, eager: false, formats: null, createdAt: at(1) };
    const hero = { id: id('pre'), clientId, name: 'Hero', params: 'w_1600', widths: [320, 640, 1600], eager: true, formats: ['avif' as const, 'webp' as const], createdAt: at(2) };
    await repos.presets.insert(thumb);
    await repos.presets.insert(hero);
    await expectConflict(repos.presets.insert({ ...thumb, id: id('pre') }));
    await repos.presets.insert({ ...thumb, id: id('pre'), clientId: other });
    expect((await repos.presets.list(clientId)).map((p) => p.name)).toEqual(['Hero', 'thumb']);
    expect(await repos.presets.getByName(clientId, 'thumb')).toEqual(thumb);
    expect(await repos.presets.getByName(clientId, 'Hero')).toEqual(hero);
    expect(await repos.presets.getByName(clientId, 'missing')).toBeNull();
    expect(await repos.presets.delete(other, hero.id)).toBe(false);
    expect(await repos.presets.delete(clientId, hero.id)).toBe(true);
    expect(await repos.presets.getByName(clientId, 'Hero')).toBeNull();
  });

  test('presets: update writes every field within its client, a taken name is a conflict, dropJobs removes its eager jobs', async () => {
    const clientId = 'presetedit';
    await repos.clients.insert({ id: clientId, name: 'Preset edit', signingSecret: 's', createdAt: at(0) });
    const card = { id: id('pre'), clientId, name: 'card', params: 'w_200', widths: [100, 200], eager: true, formats: ['webp' as const], createdAt: at(1) };
    await repos.presets.insert(card);
    await repos.presets.insert({ ...card, id: id('pre'), name: 'taken', eager: false });
    const img = image(clientId, null, 'a.jpg', 1);
    await repos.images.insert(img);
    await repos.eagerJobs.enqueue([{ id: id('job'), clientId, imageId: img.id, imageVersion: 1, presetId: card.id, path: `${clientId}/preset:card/w_100/${img.id}.webp`, accept: '' }], at(2));
    expect(await repos.eagerJobs.countsByPreset(card.id)).toMatchObject({ pending: 1 });

    const edited = { ...card, name: 'cards', params: 'w_300,h_300,c_fill', widths: null, eager: false, formats: ['avif' as const, 'webp' as const] };
    await expectConflict(repos.presets.update({ ...edited, name: 'taken' }, [], { dropJobs: true }));
    expect(await repos.presets.getByName(clientId, 'card')).toEqual(card);
    expect(await repos.eagerJobs.countsByPreset(card.id)).toMatchObject({ pending: 1 });
    // Another client's id: nothing.
    expect(await repos.presets.update({ ...edited, clientId: other })).toBe(false);
    expect(await repos.presets.update(edited)).toBe(true);
    expect(await repos.presets.getByName(clientId, 'card')).toBeNull();
    expect(await repos.presets.getByName(clientId, 'cards')).toEqual(edited);
    expect(await repos.eagerJobs.countsByPreset(card.id)).toMatchObject({ pending: 1 });
    expect(await repos.presets.update({ ...edited, widths: [50] }, [], { dropJobs: true })).toBe(true);
    expect(await repos.eagerJobs.countsByPreset(card.id)).toEqual({ pending: 0, running: 0, done: 0, failed: 0 });
    expect((await repos.presets.getByName(clientId, 'cards'))!.widths).toEqual([50]);
    // Later tests count every image stored: leave none behind.
    expect(await repos.images.delete(clientId, img.id)).toBe(true);
  });

  test('usage: a client\'s images and the sum of their bytes (beyond 32 bits), none for a client without', async () => {
    const clientId = 'usage';
    await repos.clients.insert({ id: clientId, name: 'Usage', signingSecret: 's', createdAt: at(0) });
    expect(await repos.usage.ofClient(clientId)).toEqual({ images: 0, originalsBytes: 0 });
    const [a, b] = [image(clientId, null, 'a.jpg', 1), image(clientId, null, 'b.jpg', 2)];
    for (const img of [a, b]) await repos.images.insert(img);
    expect(await repos.usage.ofClient(clientId)).toEqual({ images: 2, originalsBytes: a.bytes + b.bytes });
    expect(await repos.images.delete(clientId, a.id)).toBe(true);
    expect(await repos.usage.ofClient(clientId)).toEqual({ images: 1, originalsBytes: b.bytes });
    expect(await repos.usage.ofClient('nobody')).toEqual({ images: 0, originalsBytes: 0 });
    // Later tests count every image stored: leave none behind.
    expect(await repos.images.delete(clientId, b.id)).toBe(true);
  });

  test('usage days: flushes add up per client and day (beyond 32 bits), a range reads its days in order, a deleted client\'s counts are dropped', async () => {
    const [c1, c2, gone] = ['usage-days-1', 'usage-days-2', 'usage-days-gone'];
    for (const c of [c1, c2, gone]) await repos.clients.insert({ id: c, name: c, signingSecret: 's', createdAt: at(0) });
    const counts = (n: number) => ({ deliveries: n, bytesServed: n * 3_000_000_000, hits: n - 1, misses: 1, transforms: 2 * n, uploads: n % 2 });
    await repos.usage.addDays([]);
    await repos.usage.addDays([
      { clientId: c1, date: '2026-03-01', ...counts(1) },
      { clientId: c1, date: '2026-03-03', ...counts(2) },
      { clientId: c2, date: '2026-03-01', ...counts(5) },
    ]);
    // A second node's flush (or this node's next one) adds to the same rows.
    await repos.usage.addDays([
      { clientId: c1, date: '2026-03-01', ...counts(4) },
      { clientId: c1, date: '2026-02-28', ...counts(1) },
    ]);
    expect(await repos.usage.days(c1, '2026-03-01', '2026-03-31')).toEqual([
      { date: '2026-03-01', deliveries: 5, bytesServed: 15_000_000_000, hits: 3, misses: 2, transforms: 10, uploads: 1 },
      { date: '2026-03-03', deliveries: 2, bytesServed: 6_000_000_000, hits: 1, misses: 1, transforms: 4, uploads: 0 },
    ]);
    expect((await repos.usage.days(c1, '2026-02-01', '2026-03-01')).map((d) => d.date)).toEqual(['2026-02-28', '2026-03-01']);
    expect(await repos.usage.days(c2, '2026-03-01', '2026-03-01')).toEqual([{ date: '2026-03-01', ...counts(5) }]);
    expect(await repos.usage.days(c2, '2026-03-02', '2026-03-31')).toEqual([]);
    expect(await repos.usage.days('nobody', '2026-01-01', '2026-12-31')).toEqual([]);

    // Concurrent flushes (two nodes) lose nothing.
    await Promise.all(Array.from({ length: 8 }, () => repos.usage.addDays([{ clientId: c2, date: '2026-03-01', ...counts(1) }, { clientId: c1, date: '2026-03-01', ...counts(1) }])));
    expect((await repos.usage.days(c2, '2026-03-01', '2026-03-01'))[0]!.deliveries).toBe(5 + 8);
    expect((await repos.usage.days(c1, '2026-03-01', '2026-03-01'))[0]!.deliveries).toBe(5 + 8);

    // A client deleted before the flush: its counts go nowhere, the others' are written.
    expect(await repos.clients.delete(gone)).toBe(true);
    await repos.usage.addDays([{ clientId: gone, date: '2026-03-02', ...counts(1) }, { clientId: c2, date: '2026-03-02', ...counts(1) }]);
    expect(await repos.usage.days(gone, '2026-01-01', '2026-12-31')).toEqual([]);
    expect(await repos.usage.days(c2, '2026-03-02', '2026-03-02')).toEqual([{ date: '2026-03-02', ...counts(1) }]);
    // Deleting a client takes its days along.
    expect(await repos.clients.delete(c2)).toBe(true);
    expect(await repos.usage.days(c2, '2026-01-01', '2026-12-31')).toEqual([]);
  });

  test('purge targets: each kind read back with its config (tokens included), listed in creation order per client, deleted within their client, a duplicate id refused', async () => {
    const targets = [
      { id: id('pt'), clientId, config: { kind: 'cloudflare', zoneId: 'zone1', apiToken: 'cf-token', apiBase: 'https://cf.example.com/client/v4' }, createdAt: at(2) },
      { id: id('pt'), clientId, config: { kind: 'fastly', serviceId: 'svc1', apiToken: 'f-token' }, createdAt: at(3) },
      { id: id('pt'), clientId, config: { kind: 'bunny', accessKey: 'b-key' }, createdAt: at(4) },
      { id: id('pt'), clientId, config: { kind: 'http', url: 'https://hooks.example.com/p?x=1', secret: 'whsec_c2VjcmV0' }, createdAt: at(1) },
      { id: id('pt'), clientId: other, config: { kind: 'http', url: 'https://other.example.com/' }, createdAt: at(0) },
    ] satisfies PurgeTargetRecord[];
    for (const target of targets) await repos.purgeTargets.insert(target);
    expect(await repos.purgeTargets.list(clientId)).toEqual([targets[3]!, targets[0]!, targets[1]!, targets[2]!]);
    expect(await repos.purgeTargets.get(clientId, targets[0]!.id)).toEqual(targets[0]!);
    expect(await repos.purgeTargets.get(other, targets[0]!.id)).toBeNull();
    expect(await repos.purgeTargets.delete(other, targets[1]!.id)).toBe(false);
    expect(await repos.purgeTargets.delete(clientId, targets[1]!.id)).toBe(true);
    expect(await repos.purgeTargets.delete(clientId, targets[1]!.id)).toBe(false);
    expect((await repos.purgeTargets.list(clientId)).map((t) => t.id)).toEqual([targets[3]!.id, targets[0]!.id, targets[2]!.id]);
    // A duplicate id is refused, and the stored target is left as it was.
    await expect(repos.purgeTargets.insert({ ...targets[0]!, config: { kind: 'bunny', accessKey: 'x' } })).rejects.toThrow();
    expect(await repos.purgeTargets.get(clientId, targets[0]!.id)).toEqual(targets[0]!);
  });

  test('eager jobs: claimed once, superseded by a new version, counted, gone with their image', async () => {
    const preset = { id: id('pre'), clientId, name: 'eagerjobs', params: 'w_100', widths: null, eager: true, formats: null, createdAt: at(1) };
    await repos.presets.insert(preset);
    const img = image(clientId, null, 'eager.jpg', 1);
    await repos.images.insert(img);
    const spec = (path: string, version = img.version) => ({ id: id('job'), clientId, imageId: img.id, imageVersion: version, presetId: preset.id, path, accept: '' });
    await repos.eagerJobs.replaceForImage(img, [spec('a.webp'), spec('a.avif')], at(2));
    expect((await repos.eagerJobs.countsByImage(clientId, [img.id])).get(img.id)).toEqual({ pending: 2, ready: 0, failed: 0 });
    // Claims at once: each job goes to one caller only.
    const claims = await Promise.all([0, 1, 2, 3].map(() => repos.eagerJobs.claim(at(3), at(0), 3)));
    const claimed = claims.filter((job) => job !== null);
    expect(claimed.map((job) => job!.path).sort()).toEqual(['a.avif', 'a.webp']);
    expect(claimed[0]).toMatchObject({ clientId, imageId: img.id, imageVersion: img.version, presetId: preset.id, accept: '', attempts: 1 });
    await repos.eagerJobs.finish(claimed[0]!.id, 'done', null);
    await repos.eagerJobs.finish(claimed[1]!.id, 'failed', 'broken');
    expect((await repos.eagerJobs.countsByImage(clientId, [img.id])).get(img.id)).toEqual({ pending: 0, ready: 1, failed: 1 });
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 0, running: 0, done: 1, failed: 1 });
    // A claim whose node died (claimed before staleBefore) is taken again.
    await repos.eagerJobs.enqueue([spec('b.webp')], at(4));
    expect((await repos.eagerJobs.claim(at(5), at(0), 3))!.path).toBe('b.webp');
    expect(await repos.eagerJobs.claim(at(6), at(0), 3)).toBeNull();
    expect((await repos.eagerJobs.claim(at(7), at(6), 3))!).toMatchObject({ path: 'b.webp', attempts: 2 });
    // A new version supersedes the old one's jobs.
    const next = { ...img, version: 2 };
    expect(await repos.images.update(next, 1)).toBe(true);
    await repos.eagerJobs.replaceForImage(next, [spec('a.webp', 2)], at(8));
    expect((await repos.eagerJobs.countsByImage(clientId, [img.id])).get(img.id)).toEqual({ pending: 1, ready: 0, failed: 0 });
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 1, running: 0, done: 0, failed: 0 });
    expect(await repos.images.delete(clientId, img.id)).toBe(true);
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 0, running: 0, done: 0, failed: 0 });
    await repos.presets.delete(clientId, preset.id);
  });

  test('eager jobs: a claim passes over the clients it is told to (out of transforms this minute), leaving their jobs pending in their place', async () => {
    const mine = { id: id('pre'), clientId, name: 'eagerpaced', params: 'w_100', widths: null, eager: true, formats: null, createdAt: at(1) };
    const theirs = { ...mine, id: id('pre'), clientId: other };
    await repos.presets.insert(mine);
    await repos.presets.insert(theirs);
    const a = image(clientId, null, 'paced-a.jpg', 1);
    const b = image(other, null, 'paced-b.jpg', 1);
    await repos.images.insert(a);
    await repos.images.insert(b);
    const spec = (img: typeof a, preset: typeof mine, path: string) => ({ id: id('job'), clientId: img.clientId, imageId: img.id, imageVersion: img.version, presetId: preset.id, path, accept: '' });
    await repos.eagerJobs.enqueue([spec(a, mine, 'a1.webp'), spec(a, mine, 'a2.webp')], at(2));
    await repos.eagerJobs.enqueue([spec(b, theirs, 'b1.webp')], at(3));
    // The oldest job is clientId's; told to pass over clientId, the claim takes the other client's.
    expect((await repos.eagerJobs.claim(at(4), at(0), 3, [clientId]))!).toMatchObject({ clientId: other, path: 'b1.webp', attempts: 1 });
    expect(await repos.eagerJobs.claim(at(5), at(0), 3, [clientId, other])).toBeNull();
    expect(await repos.eagerJobs.countsByPreset(mine.id)).toEqual({ pending: 2, running: 0, done: 0, failed: 0 });
    // Once let through, its jobs come in their order, never having been attempted.
    expect((await repos.eagerJobs.claim(at(6), at(0), 3, [other]))!).toMatchObject({ clientId, path: 'a1.webp', attempts: 1 });
    expect((await repos.eagerJobs.claim(at(7), at(0), 3))!).toMatchObject({ clientId, path: 'a2.webp', attempts: 1 });
    await repos.images.delete(clientId, a.id);
    await repos.images.delete(other, b.id);
    await repos.presets.delete(clientId, mine.id);
    await repos.presets.delete(other, theirs.id);
  });

  test('eager jobs written with the image row: a failed transaction leaves neither, a committed insert or replace always has its jobs', async () => {
    const preset = { id: id('pre'), clientId, name: 'eageratomic', params: 'w_100', widths: null, eager: true, formats: null, createdAt: at(1) };
    await repos.presets.insert(preset);
    const img = image(clientId, null, 'atomic.jpg', 1);
    const spec = (path: string, version = img.version, jobId = id('job')) => ({ id: jobId, clientId, imageId: img.id, imageVersion: version, presetId: preset.id, path, accept: '' });
    // The second job's id repeats the first's: the job rows fail after the image row went in, so the whole insert is undone.
    const twice = id('job');
    await expect(repos.images.insert(img, [], { jobs: [spec('a.webp', 1, twice), spec('a.avif', 1, twice)], now: at(2) })).rejects.toThrow();
    expect(await repos.images.get(clientId, img.id)).toBeNull();
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 0, running: 0, done: 0, failed: 0 });
    // Committed: the row and its jobs together.
    await repos.images.insert(img, [], { jobs: [spec('a.webp'), spec('a.avif')], now: at(2) });
    expect((await repos.eagerJobs.countsByImage(clientId, [img.id])).get(img.id)).toEqual({ pending: 2, ready: 0, failed: 0 });
    // An insert refused (the id exists) writes no jobs either.
    await expect(repos.images.insert(img, [], { jobs: [spec('b.webp')], now: at(3) })).rejects.toThrow();
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toMatchObject({ pending: 2 });
    // A replace that lost the race (the version moved on) writes none.
    const next = { ...img, version: 2 };
    expect(await repos.images.update(next, 7, [], { jobs: [spec('a.webp', 2)], now: at(4) })).toBe(false);
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 2, running: 0, done: 0, failed: 0 });
    // One that commits drops the old version's jobs and adds the new one's, in the same transaction.
    expect(await repos.images.update(next, 1, [], { jobs: [spec('a.webp', 2)], now: at(5) })).toBe(true);
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 1, running: 0, done: 0, failed: 0 });
    expect((await repos.eagerJobs.claim(at(6), at(0), 3))!).toMatchObject({ imageId: img.id, imageVersion: 2, path: 'a.webp' });
    await repos.images.delete(clientId, img.id);
    await repos.presets.delete(clientId, preset.id);
  });

  test('eager jobs: a stale claim that reached the attempt cap is failed at the next claim, not claimed again', async () => {
    const preset = { id: id('pre'), clientId, name: 'eagercap', params: 'w_100', widths: null, eager: true, formats: null, createdAt: at(1) };
    await repos.presets.insert(preset);
    const img = image(clientId, null, 'crashy.jpg', 1);
    await repos.images.insert(img);
    const job = { id: id('job'), clientId, imageId: img.id, imageVersion: img.version, presetId: preset.id, path: 'crash.webp', accept: '' };
    await repos.eagerJobs.enqueue([job], at(2));
    // Each claim's node dies: the job goes stale and is claimed again, up to the cap.
    expect(await repos.eagerJobs.claim(at(10), at(0), 2)).toMatchObject({ id: job.id, attempts: 1 });
    expect(await repos.eagerJobs.claim(at(20), at(11), 2)).toMatchObject({ id: job.id, attempts: 2 });
    expect(await repos.eagerJobs.claim(at(30), at(19), 2)).toBeNull();
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 0, running: 1, done: 0, failed: 0 });
    // Stale again with 2 attempts of 2: failed, and never handed out again.
    expect(await repos.eagerJobs.claim(at(40), at(31), 2)).toBeNull();
    expect(await repos.eagerJobs.countsByPreset(preset.id)).toEqual({ pending: 0, running: 0, done: 0, failed: 1 });
    expect(await repos.eagerJobs.claim(at(50), at(49), 2)).toBeNull();
    expect((await repos.eagerJobs.countsByImage(clientId, [img.id])).get(img.id)).toEqual({ pending: 0, ready: 0, failed: 1 });
    await repos.images.delete(clientId, img.id);
    await repos.presets.delete(clientId, preset.id);
  });

  test('folders and images: nested paths, listing scopes, paging, search, rename, move, replace, delete', async () => {
    const ensure = (path: string, n: number) => repos.folders.ensurePath(clientId, path.split('/'), () => id('fld'), at(n), 1000);
    const acme = await ensure('clients/acme', 1);
    expect(acme.created).toBe(true);
    expect(acme.folder).toMatchObject({ clientId, name: 'acme', path: 'clients/acme' });
    const again = await ensure('clients/acme', 2);
    expect(again).toEqual({ folder: acme.folder, created: false });
    const clients = (await repos.folders.getByPath(clientId, 'clients'))!;
    expect(acme.folder.parentId).toBe(clients.id);
    const deep = (await ensure('clients/acme/2026', 3)).folder;
    // "clients/acme-old" sorts between "clients/acme" and "clients/acme/…" byte-wise: not in the sub-tree.
    const sibling = (await ensure('clients/acme-old', 4)).folder;
    expect(await repos.folders.get(other, acme.folder.id)).toBeNull();
    expect(await repos.folders.getByPath(other, 'clients')).toBeNull();

    const rootImage = image(clientId, null, 'Logo.PNG', 10);
    const inAcme = image(clientId, acme.folder, 'Team_Photo 100%.jpg', 11);
    const inDeep = image(clientId, deep, 'team-offsite.jpg', 12);
    const inSibling = image(clientId, sibling, 'old-team.jpg', 13);
    const foreign = image(other, null, 'team.jpg', 14);
    for (const img of [rootImage, inAcme, inDeep, inSibling, foreign]) await repos.images.insert(img);

    expect(await repos.images.get(clientId, inAcme.id)).toEqual(inAcme);
    expect(await repos.images.get(other, inAcme.id)).toBeNull();

    const list = async (scope: Parameters<typeof repos.images.list>[0]['scope'], extra: { nameContains?: string; limit?: number; offset?: number } = {}) => {
      const { items, total } = await repos.images.list({ clientId, scope, limit: extra.limit ?? 50, offset: extra.offset ?? 0, nameContains: extra.nameContains });
      return { ids: items.map((i) => i.id), total };
    };
    expect(await list({ kind: 'all' })).toEqual({ ids: [inSibling.id, inDeep.id, inAcme.id, rootImage.id], total: 4 });
    expect(await list({ kind: 'root' })).toEqual({ ids: [rootImage.id], total: 1 });
    expect(await list({ kind: 'folder', folder: acme.folder, recursive: false })).toEqual({ ids: [inAcme.id], total: 1 });
    expect(await list({ kind: 'folder', folder: acme.folder, recursive: true })).toEqual({ ids: [inDeep.id, inAcme.id], total: 2 });
    expect(await list({ kind: 'all' }, { limit: 2, offset: 1 })).toEqual({ ids: [inDeep.id, inAcme.id], total: 4 });
    expect(await list({ kind: 'all' }, { limit: 2, offset: 8 })).toEqual({ ids: [], total: 4 });
    // Substring search on the lower-cased name, short and long, wildcards literal.
    expect(await list({ kind: 'all' }, { nameContains: 'team' })).toEqual({ ids: [inSibling.id, inDeep.id, inAcme.id], total: 3 });
    expect(await list({ kind: 'all' }, { nameContains: 'am' })).toEqual({ ids: [inSibling.id, inDeep.id, inAcme.id], total: 3 });
    expect(await list({ kind: 'all' }, { nameContains: '100%' })).toEqual({ ids: [inAcme.id], total: 1 });
    expect(await list({ kind: 'all' }, { nameContains: 'm_p' })).toEqual({ ids: [inAcme.id], total: 1 });
    expect(await list({ kind: 'all' }, { nameContains: '_' })).toEqual({ ids: [inAcme.id], total: 1 });
    expect(await list({ kind: 'all' }, { nameContains: 'offsite' })).toEqual({ ids: [inDeep.id], total: 1 });
    expect(await list({ kind: 'folder', folder: acme.folder, recursive: true }, { nameContains: 'team' })).toEqual({ ids: [inDeep.id, inAcme.id], total: 2 });
    expect((await repos.folders.search(clientId, 'acm', 10)).map((f) => f.path)).toEqual(['clients/acme', 'clients/acme-old']);
    expect((await repos.folders.search(clientId, '20', 10)).map((f) => f.path)).toEqual(['clients/acme/2026']);
    expect(await repos.folders.search(other, 'acm', 10)).toEqual([]);

    const counts = Object.fromEntries((await repos.folders.listWithCounts(clientId)).map((f) => [f.path, f.imageCount]));
    expect(counts).toEqual({ clients: 0, 'clients/acme': 1, 'clients/acme-old': 1, 'clients/acme/2026': 1 });

    // Replace (optimistic on version): the stale writer loses.
    const replaced = { ...inAcme, version: 2, originalKey: `${clientId}/${inAcme.id}/k2`, updatedAt: at(30) };
    expect(await repos.images.update(replaced, 1)).toBe(true);
    expect(await repos.images.update({ ...inAcme, version: 2 }, 1)).toBe(false);
    expect(await repos.images.get(clientId, inAcme.id)).toEqual(replaced);

    // Rename and move: the search index and the listing follow.
    await repos.images.update({ ...inDeep, originalName: 'Banner.webp', folderId: null, folderPath: '' }, 1);
    expect(await list({ kind: 'root' })).toEqual({ ids: [inDeep.id, rootImage.id], total: 2 });
    expect(await list({ kind: 'all' }, { nameContains: 'banner' })).toEqual({ ids: [inDeep.id], total: 1 });
    expect(await list({ kind: 'all' }, { nameContains: 'offsite' })).toEqual({ ids: [], total: 0 });

    // Folder rename carries the sub-tree; a sibling clash is a conflict.
    await expectConflict(repos.folders.rename(clientId, acme.folder.id, 'acme-old'));
    const renamed = await repos.folders.rename(clientId, acme.folder.id, 'ACME Corp');
    expect(renamed.path).toBe('clients/ACME Corp');
    expect((await repos.folders.get(clientId, deep.id))!.path).toBe('clients/ACME Corp/2026');
    expect((await repos.images.get(clientId, inAcme.id))!.folderPath).toBe('clients/ACME Corp');
    expect((await repos.folders.search(clientId, 'corp', 10)).map((f) => f.id)).toEqual([acme.folder.id]);
    await expect(repos.folders.rename(other, acme.folder.id, 'x')).rejects.toMatchObject({ code: 'not_found' });

    // Recursive delete returns the images it took; nothing of another folder goes.
    await repos.images.insert(image(clientId, deep, 'deep.jpg', 15));
    const gone = await repos.folders.delete(clientId, acme.folder.id);
    expect(gone.map((i) => i.originalName).sort()).toEqual(['Team_Photo 100%.jpg', 'deep.jpg']);
    expect(await repos.folders.get(clientId, deep.id)).toBeNull();
    expect(await repos.images.get(clientId, inAcme.id)).toBeNull();
    expect(await repos.images.get(clientId, inSibling.id)).toEqual(inSibling);
    expect(await list({ kind: 'all' })).toEqual({ ids: [inSibling.id, inDeep.id, rootImage.id], total: 3 });

    expect(await repos.images.delete(other, rootImage.id)).toBe(false);
    expect(await repos.images.delete(clientId, rootImage.id)).toBe(true);
    const refs = await repos.images.listAllRefs();
    expect(refs.map((r) => r.id).sort()).toEqual([inDeep.id, inSibling.id, foreign.id].sort());
    expect(refs.find((r) => r.id === foreign.id)).toEqual({ clientId: other, id: foreign.id, version: 1, originalKey: foreign.originalKey });
  });

  test('deep pages: the same rows at every offset, ties on time included, and after a change', async () => {
    const clientId = 'deep';
    await repos.clients.insert({ id: clientId, name: 'Deep', signingSecret: 's', createdAt: at(0) });
    const made: ImageRecord[] = [];
    // Three images per second: the id decides among them (ids rise with insertion, like SQLite's rowid).
    for (let n = 0; n < 2_500; n++) {
      const img = { ...image(clientId, null, `p${n}.jpg`, n), id: `deep${n.toString().padStart(5, '0')}`, createdAt: at(Math.floor(n / 3)) };
      made.push(img);
    }
    await Promise.all(made.map((img) => repos.images.insert(img)));
    const newestFirst = made.map((i) => i.id).reverse();
    const page = async (offset: number) =>
      (await repos.images.list({ clientId, scope: { kind: 'all' }, limit: 24, offset })).items.map((i) => i.id);
    for (const offset of [0, 990, 999, 1000, 1001, 1990, 2000, 2476, 2490, 2500, 3000]) {
      expect(await page(offset)).toEqual(newestFirst.slice(offset, offset + 24));
    }
    // A deleted image shifts every later page by one.
    await repos.images.delete(clientId, newestFirst[500]!);
    const after = newestFirst.filter((_, i) => i !== 500);
    for (const offset of [999, 1000, 2000]) expect(await page(offset)).toEqual(after.slice(offset, offset + 24));
    const filtered = await repos.images.list({ clientId, scope: { kind: 'all' }, limit: 5, offset: 1000, nameContains: 'p1' });
    const expected = after.filter((id) => made.find((m) => m.id === id)!.originalName.includes('p1'));
    expect({ ids: filtered.items.map((i) => i.id), total: filtered.total }).toEqual({ ids: expected.slice(1000, 1005), total: expected.length });
  });

  test('listing order and filters: every sort with its tie-break, each filter and their combination, the same pages at every offset', async () => {
    const clientId = 'sorted';
    await repos.clients.insert({ id: clientId, name: 'Sorted', signingSecret: 's', createdAt: at(0) });
    const folder = (await repos.folders.ensurePath(clientId, ['album'], () => id('fld'), at(0), 1000)).folder;
    const make = (name: string, n: number, fields: Partial<ImageRecord>, where: FolderRecord | null = null) => ({ ...image(clientId, where, name, n), ...fields });
    const beach = make('beach.jpg', 1, { bytes: 300, width: 1200, height: 800 });
    const apple = make('Apple.png', 2, { format: 'png', bytes: 100, width: 500, height: 500 });
    const zebra = make('zebra.webp', 3, { format: 'webp', bytes: 300, width: 400, height: 900 }, folder);
    const banana = make('banana.JPG', 4, { bytes: 5_000_000_000, width: 1200, height: 1200, createdAt: '2026-01-02T00:00:00.000Z' });
    const again = make('apple.png', 5, { format: 'png', bytes: 50, width: 3000, height: 2000, createdAt: '2026-01-02T23:59:59.999Z' });
    for (const img of [beach, apple, zebra, banana, again]) await repos.images.insert(img);
    const ids = async (extra: Partial<Parameters<typeof repos.images.list>[0]> = {}) => {
      const { items, total } = await repos.images.list({ clientId, scope: { kind: 'all' }, limit: 50, offset: 0, ...extra });
      return { ids: items.map((i) => i.id), total };
    };
    const byId = (...images: ImageRecord[]) => images.map((i) => i.id).sort() as [string, string];
    const [appleFirst, appleSecond] = byId(apple, again);
    const [size300b, size300a] = byId(beach, zebra);
    const [w1200b, w1200a] = byId(beach, banana);

    expect((await ids()).ids).toEqual([again.id, banana.id, zebra.id, apple.id, beach.id]);
    expect((await ids({ sort: 'newest' })).ids).toEqual([again.id, banana.id, zebra.id, apple.id, beach.id]);
    expect((await ids({ sort: 'oldest' })).ids).toEqual([beach.id, apple.id, zebra.id, banana.id, again.id]);
    // Case ignored: "Apple.png" and "apple.png" tie and their ids decide.
    expect((await ids({ sort: 'name' })).ids).toEqual([appleFirst, appleSecond, banana.id, beach.id, zebra.id]);
    // Largest first (BIGINT beyond 32 bits included); equal sizes by id, descending like the key.
    expect((await ids({ sort: 'size' })).ids).toEqual([banana.id, size300a, size300b, apple.id, again.id]);
    expect((await ids({ sort: 'width' })).ids).toEqual([again.id, w1200a, w1200b, apple.id, zebra.id]);

    expect(await ids({ filters: { format: 'png' } })).toEqual({ ids: [again.id, apple.id], total: 2 });
    expect(await ids({ filters: { format: 'gif' } })).toEqual({ ids: [], total: 0 });
    expect(await ids({ filters: { orientation: 'landscape' } })).toEqual({ ids: [again.id, beach.id], total: 2 });
    expect(await ids({ filters: { orientation: 'portrait' } })).toEqual({ ids: [zebra.id], total: 1 });
    expect(await ids({ filters: { orientation: 'square' } })).toEqual({ ids: [banana.id, apple.id], total: 2 });
    expect(await ids({ filters: { minWidth: 1200 } })).toEqual({ ids: [again.id, banana.id, beach.id], total: 3 });
    expect(await ids({ filters: { minWidth: 1201 } })).toEqual({ ids: [again.id], total: 1 });
    // Inclusive bounds to the millisecond.
    expect(await ids({ filters: { createdFrom: '2026-01-02T00:00:00.000Z' } })).toEqual({ ids: [again.id, banana.id], total: 2 });
    expect(await ids({ filters: { createdTo: '2026-01-02T23:59:59.998Z' } })).toEqual({ ids: [banana.id, zebra.id, apple.id, beach.id], total: 4 });
    expect(await ids({ filters: { createdFrom: at(2), createdTo: at(3) } })).toEqual({ ids: [zebra.id, apple.id], total: 2 });
    // Together, with a scope, a name and an order; totals are kept per filter, not shared.
    expect(await ids({ sort: 'name', nameContains: 'apple', filters: { format: 'png', orientation: 'landscape', minWidth: 1000 } })).toEqual({ ids: [again.id], total: 1 });
    expect(await ids({ scope: { kind: 'root' }, sort: 'size', filters: { minWidth: 1000, createdTo: '2026-01-02T00:00:00.000Z' } })).toEqual({ ids: [banana.id, beach.id], total: 2 });
    expect(await ids({ scope: { kind: 'folder', folder, recursive: false }, filters: { orientation: 'portrait' } })).toEqual({ ids: [zebra.id], total: 1 });
    expect(await ids({ scope: { kind: 'folder', folder, recursive: true }, filters: { orientation: 'landscape' } })).toEqual({ ids: [], total: 0 });

    // Past the remembered positions of a deep listing (every 1000 rows), each order pages
    // without gaps or repeats; many rows tie on every key but the id.
    const deep: ImageRecord[] = [];
    for (let n = 0; n < 1_100; n++) {
      deep.push(make(`Deep ${String(n % 7)}.jpg`, 100 + n, { id: `srt${n.toString().padStart(5, '0')}`, bytes: 1_000 + (n % 5), width: 100 + (n % 3), createdAt: at(100 + Math.floor(n / 4)) }));
    }
    for (const img of deep) await repos.images.insert(img);
    const everything = [beach, apple, zebra, banana, again, ...deep];
    const ordered: Record<'name' | 'size' | 'width' | 'oldest', ImageRecord[]> = {
      name: [...everything].sort((a, b) => (a.originalName.toLowerCase() === b.originalName.toLowerCase() ? (a.id < b.id ? -1 : 1) : a.originalName.toLowerCase() < b.originalName.toLowerCase() ? -1 : 1)),
      size: [...everything].sort((a, b) => b.bytes - a.bytes || (a.id < b.id ? 1 : -1)),
      width: [...everything].sort((a, b) => b.width - a.width || (a.id < b.id ? 1 : -1)),
      oldest: [...everything].sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? -1 : 1)),
    };
    for (const [sort, expected] of Object.entries(ordered) as [keyof typeof ordered, ImageRecord[]][]) {
      for (const offset of [0, 24, 999, 1000, 1001, 1080, 1104]) {
        const { ids: page, total } = await ids({ sort, limit: 24, offset });
        expect({ sort, offset, total, page }).toEqual({ sort, offset, total: everything.length, page: expected.slice(offset, offset + 24).map((i) => i.id) });
      }
    }
    // Filters narrow a deep listing too, in order.
    const wide = await ids({ sort: 'width', filters: { minWidth: 102 }, limit: 100, offset: 300 });
    const allWide = ordered.width.filter((i) => i.width >= 102);
    expect(wide).toEqual({ ids: allWide.slice(300, 400).map((i) => i.id), total: allWide.length });
  });

  test('focal point: stored with the row, read back by get, list and folder delete, set and cleared by update, kept by a replace', async () => {
    const clientId = 'focal';
    await repos.clients.insert({ id: clientId, name: 'Focal', signingSecret: 's', createdAt: at(0) });
    const folder = (await repos.folders.ensurePath(clientId, ['f'], () => id('fld'), at(60), 1000)).folder;
    const pointed = { ...image(clientId, folder, 'pointed.jpg', 60), focalPoint: { x: 0.1234, y: 1 } };
    const plain = image(clientId, folder, 'plain.jpg', 61);
    await repos.images.insert(pointed);
    await repos.images.insert(plain);
    expect(await repos.images.get(clientId, pointed.id)).toEqual(pointed);
    expect((await repos.images.get(clientId, plain.id))!.focalPoint).toBeNull();
    const listed = await repos.images.list({ clientId, scope: { kind: 'all' }, limit: 10, offset: 0 });
    expect(listed.items.map((i) => [i.id, i.focalPoint])).toEqual([[plain.id, null], [pointed.id, { x: 0.1234, y: 1 }]]);

    expect(await repos.images.update({ ...plain, focalPoint: { x: 0, y: 0.5 } }, 1)).toBe(true);
    expect((await repos.images.get(clientId, plain.id))!.focalPoint).toEqual({ x: 0, y: 0.5 });
    expect(await repos.images.update({ ...pointed, focalPoint: null }, 1)).toBe(true);
    expect((await repos.images.get(clientId, pointed.id))!.focalPoint).toBeNull();
    const replaced = { ...plain, focalPoint: { x: 0, y: 0.5 }, version: 2, originalKey: `${clientId}/${plain.id}/k2` };
    expect(await repos.images.update(replaced, 1)).toBe(true);
    expect(await repos.images.get(clientId, plain.id)).toEqual(replaced);

    // The database refuses a point outside the image or half a point, whatever the caller checked.
    await expect(repos.images.update({ ...replaced, focalPoint: { x: 1.5, y: 0.5 } }, 2)).rejects.toThrow(/constraint/i);
    await expect(repos.images.insert({ ...image(clientId, null, 'bad.jpg', 62), focalPoint: { x: 0.5, y: null as unknown as number } })).rejects.toThrow(/constraint/i);
    expect((await repos.images.get(clientId, plain.id))!.focalPoint).toEqual({ x: 0, y: 0.5 });

    expect((await repos.folders.delete(clientId, folder.id)).map((i) => [i.originalName, i.focalPoint]).sort()).toEqual([
      ['plain.jpg', { x: 0, y: 0.5 }],
      ['pointed.jpg', null],
    ]);
  });

  test('tags, alt and meta: stored and read back; ?tag= within the client, scope and text; q matches alt and tags; an update replaces the tags; delete and folder delete leave no tag behind', async () => {
    const clientId = 'labels';
    await repos.clients.insert({ id: clientId, name: 'Labels', signingSecret: 's', createdAt: at(0) });
    const folder = (await repos.folders.ensurePath(clientId, ['shoes'], () => id('fld'), at(70), 1000)).folder;
    const hostile = "x'); drop table images --";
    const red = { ...image(clientId, folder, 'IMG_0001.jpg', 70), tags: ['red', 'summer sale', hostile], alt: 'A red Sneaker on white', meta: { sku: 'A-1', stock: 3, sale: true, note: null } };
    const blue = { ...image(clientId, null, 'IMG_0002.jpg', 71), tags: ['blue', 'summer sale'], alt: 'Blue sandal', meta: {} };
    const plain = image(clientId, folder, 'plain.jpg', 72);
    const foreign = { ...image(other, null, 'IMG_0003.jpg', 73), tags: ['red'] };
    for (const img of [red, blue, plain, foreign]) await repos.images.insert(img);
    expect(await repos.images.get(clientId, red.id)).toEqual(red);
    expect(await repos.images.get(clientId, plain.id)).toMatchObject({ tags: [], alt: '', meta: {} });

    const ids = async (extra: { tag?: string; nameContains?: string; scope?: Parameters<typeof repos.images.list>[0]['scope'] }) => {
      const { items, total } = await repos.images.list({ clientId, scope: extra.scope ?? { kind: 'all' }, tag: extra.tag, nameContains: extra.nameContains, limit: 10, offset: 0 });
      return { ids: items.map((i) => i.id), total };
    };
    expect(await ids({ tag: 'red' })).toEqual({ ids: [red.id], total: 1 });
    expect(await ids({ tag: 'summer sale' })).toEqual({ ids: [blue.id, red.id], total: 2 });
    expect(await ids({ tag: 'summer' })).toEqual({ ids: [], total: 0 });
    expect(await ids({ tag: hostile })).toEqual({ ids: [red.id], total: 1 });
    expect(await ids({ tag: 'summer sale', scope: { kind: 'folder', folder, recursive: false } })).toEqual({ ids: [red.id], total: 1 });
    expect(await ids({ tag: 'summer sale', scope: { kind: 'root' } })).toEqual({ ids: [blue.id], total: 1 });
    expect(await ids({ tag: 'summer sale', nameContains: 'sandal' })).toEqual({ ids: [blue.id], total: 1 });
    // q: the name, the alt text (lower-cased) or a tag; long (trigram index) and short alike.
    expect(await ids({ nameContains: 'sneaker' })).toEqual({ ids: [red.id], total: 1 });
    expect(await ids({ nameContains: 'summer sa' })).toEqual({ ids: [blue.id, red.id], total: 2 });
    expect(await ids({ nameContains: 'img_000' })).toEqual({ ids: [blue.id, red.id], total: 2 });
    expect(await ids({ nameContains: 'ue' })).toEqual({ ids: [blue.id], total: 1 });

    const retagged = { ...red, tags: ['green'], alt: 'A green sneaker', meta: { sku: 'A-2' } };
    expect(await repos.images.update(retagged, 1)).toBe(true);
    expect(await repos.images.get(clientId, red.id)).toEqual(retagged);
    expect(await ids({ tag: 'red' })).toEqual({ ids: [], total: 0 });
    expect(await ids({ tag: 'green' })).toEqual({ ids: [red.id], total: 1 });
    expect(await ids({ nameContains: 'a red' })).toEqual({ ids: [], total: 0 });
    expect(await ids({ nameContains: 'green snea' })).toEqual({ ids: [red.id], total: 1 });
    // The other client's image keeps its own tag.
    expect((await repos.images.list({ clientId: other, scope: { kind: 'all' }, tag: 'red', limit: 10, offset: 0 })).total).toBe(1);

    expect(await repos.images.delete(clientId, blue.id)).toBe(true);
    expect(await ids({ tag: 'summer sale' })).toEqual({ ids: [], total: 0 });
    expect((await repos.folders.delete(clientId, folder.id)).map((i) => i.tags).sort()).toEqual([[], ['green']]);
    expect(await ids({ tag: 'green' })).toEqual({ ids: [], total: 0 });
    // Nothing of the deleted images lingers: the same id tagged again is found once.
    await repos.images.insert({ ...retagged, folderId: null, folderPath: '' });
    expect(await ids({ tag: 'green' })).toEqual({ ids: [red.id], total: 1 });
  });

  test('placeholder: stored by insert and update, read back; images without one listed by id in batches, set once per version', async () => {
    const clientId = 'holder';
    await repos.clients.insert({ id: clientId, name: 'Holder', signingSecret: 's', createdAt: at(0) });
    const placeholder = { color: '#c83214', thumbhash: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG', blurhash: 'LKO2?U%2Tw=w]~RBVZRi};RPxuwH', dataUri: 'data:image/webp;base64,UklGRg==' };
    const withOne = { ...image(clientId, null, 'new.jpg', 70), placeholder };
    await repos.images.insert(withOne);
    expect(await repos.images.get(clientId, withOne.id)).toEqual(withOne);
    const before = await repos.images.countWithoutPlaceholder();
    const old = [image(clientId, null, 'old-a.jpg', 71), image(clientId, null, 'old-b.jpg', 72), image(other, null, 'old-c.jpg', 73)];
    for (const img of old) await repos.images.insert(img);
    expect(await repos.images.countWithoutPlaceholder()).toBe(before + 3);

    // Batches by id, across clients, resumed after the last id seen.
    const all: ImageRecord[] = [];
    for (let after = ''; ; ) {
      const batch = await repos.images.listWithoutPlaceholder(after, 2);
      if (batch.length === 0) break;
      all.push(...batch);
      after = batch.at(-1)!.id;
    }
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort());
    const oldIds = new Set(old.map((i) => i.id));
    expect(all.filter((i) => oldIds.has(i.id)).map((i) => i.id)).toEqual(old.map((i) => i.id));
    expect(all.some((i) => i.id === withOne.id)).toBe(false);

    const [a, b, c] = old as [ImageRecord, ImageRecord, ImageRecord];
    expect(await repos.images.setPlaceholder(a, placeholder)).toBe(true);
    expect(await repos.images.get(clientId, a.id)).toEqual({ ...a, placeholder });
    // Once set, or for a version that is no longer current, nothing is written.
    expect(await repos.images.setPlaceholder(a, { ...placeholder, color: '#000000' })).toBe(false);
    expect(await repos.images.update({ ...b, version: 2 }, 1)).toBe(true);
    expect(await repos.images.setPlaceholder(b, placeholder)).toBe(false);
    expect(await repos.images.setPlaceholder({ ...c, clientId }, placeholder)).toBe(false);
    expect(await repos.images.countWithoutPlaceholder()).toBe(before + 2);
    // A rename, move or focal point (same version) read before the backfill wrote keeps what it wrote.
    expect(await repos.images.update({ ...a, originalName: 'renamed.jpg' }, 1)).toBe(true);
    expect(await repos.images.get(clientId, a.id)).toEqual({ ...a, originalName: 'renamed.jpg', placeholder });
    // A replace writes the new version's placeholder (or clears it) with the rest of the row.
    expect(await repos.images.update({ ...a, version: 2, placeholder: null }, 1)).toBe(true);
    expect((await repos.images.get(clientId, a.id))!.placeholder).toBeNull();
    expect(await repos.images.update({ ...b, version: 3, placeholder }, 2)).toBe(true);
    expect((await repos.images.get(clientId, b.id))!.placeholder).toEqual(placeholder);
    const listed = await repos.images.list({ clientId, scope: { kind: 'all' }, nameContains: 'old-b', limit: 10, offset: 0 });
    expect(listed.items.map((i) => i.placeholder)).toEqual([placeholder]);
  });

  test('trash: an image moved there leaves listings, counts and get at once (outbox rows in the same transaction); listed per client; restored with every field; expired ones found and removed once', async () => {
    const owner = 'trashco';
    await repos.clients.insert({ id: owner, name: 'Trash Co', signingSecret: 's', createdAt: at(0) });
    const { folder } = await repos.folders.ensurePath(owner, ['bin', 'deep'], () => id('fld'), at(1), 1000);
    const kept = { ...image(owner, folder, 'kept.jpg', 1), tags: ['red'], alt: 'A red thing', meta: { sku: 'X1' }, focalPoint: { x: 0.25, y: 0.75 } };
    const other = image(owner, null, 'other.jpg', 2);
    for (const img of [kept, other]) await repos.images.insert(img);
    const stamp = { trashedAt: at(10), purgeAt: at(20) };
    const messages = (img: ImageRecord) => [{ id: id('msg'), kind: 'test.trash', clientId: owner, payload: { id: img.id } }];
    expect(await repos.trash.trash(owner, kept.id, stamp, messages)).toEqual(kept);
    expect((await repos.outbox.claimDue(Date.now() + 1000, 100, 1000)).filter((m) => m.kind === 'test.trash').map((m) => m.payload)).toEqual([{ id: kept.id }]);
    expect(await repos.images.get(owner, kept.id)).toBeNull();
    expect((await repos.images.list({ clientId: owner, scope: { kind: 'all' }, limit: 10, offset: 0 })).items.map((i) => i.id)).toEqual([other.id]);
    expect((await repos.images.list({ clientId: owner, scope: { kind: 'all' }, tag: 'red', limit: 10, offset: 0 })).total).toBe(0);
    expect((await repos.folders.listWithCounts(owner)).map((f) => f.imageCount)).toEqual([0, 0]);
    expect(await repos.trash.trash(owner, kept.id, stamp)).toBeNull();
    expect(await repos.trash.get(owner, kept.id)).toEqual({ image: kept, ...stamp });
    expect(await repos.trash.get(clientId, kept.id)).toBeNull();
    expect(await repos.trash.list(owner, 10, 0)).toEqual({ items: [{ image: kept, ...stamp }], total: 1 });
    expect(await repos.trash.list(clientId, 10, 0)).toEqual({ items: [], total: 0 });
    expect((await repos.trash.listAllRefs()).filter((r) => r.clientId === owner)).toEqual([
      { clientId: owner, id: kept.id, version: 1, originalKey: kept.originalKey },
    ]);

    // Restored with every field (tags in their index too); once only.
    expect(await repos.trash.restore(kept)).toBe(true);
    expect(await repos.trash.restore(kept)).toBe(false);
    expect(await repos.images.get(owner, kept.id)).toEqual(kept);
    expect((await repos.images.list({ clientId: owner, scope: { kind: 'all' }, tag: 'red', limit: 10, offset: 0 })).items).toEqual([kept]);
    expect(await repos.trash.get(owner, kept.id)).toBeNull();

    // A folder deleted with a stamp moves its images (sub-folders' too) to the trash, in order of the newest trashed first.
    const later = { trashedAt: at(30), purgeAt: at(40) };
    expect(await repos.trash.trash(owner, other.id, stamp)).toEqual(other);
    const bin = (await repos.folders.getByPath(owner, 'bin'))!;
    expect((await repos.folders.delete(owner, bin.id, undefined, later)).map((i) => i.id)).toEqual([kept.id]);
    expect((await repos.trash.list(owner, 10, 0)).items.map((i) => [i.image.id, i.image.folderPath, i.purgeAt])).toEqual([
      [kept.id, 'bin/deep', at(40)],
      [other.id, '', at(20)],
    ]);
    expect((await repos.trash.list(owner, 1, 1)).items.map((i) => i.image.id)).toEqual([other.id]);

    // Due at a time: soonest first, every client's; removed once (another node's remove finds nothing).
    expect((await repos.trash.expired(at(19), 10)).filter((t) => t.image.clientId === owner)).toEqual([]);
    expect((await repos.trash.expired(at(20), 10)).filter((t) => t.image.clientId === owner).map((t) => t.image.id)).toEqual([other.id]);
    expect((await repos.trash.expired(at(50), 10)).filter((t) => t.image.clientId === owner).map((t) => t.image.id)).toEqual([other.id, kept.id]);
    expect(await repos.trash.remove(owner, other.id, messages(other))).toBe(true);
    expect(await repos.trash.remove(owner, other.id)).toBe(false);
    expect(await repos.trash.remove(clientId, kept.id)).toBe(false);
    expect(await repos.trash.restore(other)).toBe(false);
    expect((await repos.trash.list(owner, 10, 0)).total).toBe(1);
  });

  test('ensurePath from many callers at once makes each level once', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => repos.folders.ensurePath(clientId, ['race', 'a', 'b'], () => id('fld'), at(40 + n), 1000)),
    );
    expect(new Set(results.map((r) => r.folder.id)).size).toBe(1);
    expect((await repos.folders.listWithCounts(clientId)).filter((f) => f.path.startsWith('race')).map((f) => f.path)).toEqual([
      'race',
      'race/a',
      'race/a/b',
    ]);
  });

  test('folder limits: a path that would pass the count creates no level; a rename that would make a path below too long changes nothing', async () => {
    const clientId = 'limits';
    await repos.clients.insert({ id: clientId, name: 'Limits', signingSecret: 's', createdAt: at(0) });
    const ensure = (path: string, max: number) => repos.folders.ensurePath(clientId, path.split('/'), () => id('fld'), at(50), max);
    await ensure('a/b', 4);
    await expect(ensure('a/c/d/e', 4)).rejects.toMatchObject({ status: 409, message: expect.stringContaining('limit of 4 folders') });
    expect((await repos.folders.listWithCounts(clientId)).map((f) => f.path)).toEqual(['a', 'a/b']);
    // Existing levels cost nothing: reaching the limit exactly is allowed.
    expect((await ensure('a/c/d', 4)).created).toBe(true);
    await expect(ensure('x', 4)).rejects.toMatchObject({ status: 409 });
    expect((await ensure('a/b', 4)).created).toBe(false);

    const long = (await ensure(`${'p'.repeat(100)}/${'q'.repeat(100)}/${'r'.repeat(100)}`, 100)).folder;
    const top = (await repos.folders.getByPath(clientId, 'p'.repeat(100)))!;
    // Renaming the top keeps every path below within 1024 characters: fine.
    await repos.folders.rename(clientId, top.id, 's'.repeat(100));
    const grown = (await ensure(['s'.repeat(100), ...Array.from({ length: 7 }, () => 't'.repeat(100))].join('/'), 100)).folder;
    expect(grown.path.length).toBe(807);
    expect(long.path.length).toBe(302);
    await expect(repos.folders.rename(clientId, (await repos.folders.getByPath(clientId, 's'.repeat(100)))!.id, 'u'.repeat(400))).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('at most 1024'),
    });
    expect(await repos.folders.getByPath(clientId, grown.path)).toMatchObject({ id: grown.id });
  });
});

/** A database whose name indexes can be dropped again: room for names that clash. */
interface RawDatabase {
  name: string;
  /** The versions of the client names and user names migrations on this backend. */
  version: { clientNames: number; userNames: number };
  /** Opens (migrating), runs the statements, closes; answers the last statement's rows. */
  session(statements: string[]): Promise<unknown[]>;
}

const rawDatabases: RawDatabase[] = [
  {
    name: 'SQLite',
    version: { clientNames: 12, userNames: 21 },
    session: (() => {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-names-'));
      afterAll(() => rmSync(dir, { recursive: true, force: true }));
      return async (statements: string[]) => {
        const db = openSqlite(join(dir, 'imgapi.db'));
        try {
          let rows: unknown[] = [];
          for (const statement of statements) rows = db.query(statement).all();
          return rows;
        } finally {
          db.close();
        }
      };
    })(),
  },
  {
    name: 'PostgreSQL',
    version: { clientNames: 10, userNames: 20 },
    session: (() => {
      let url: Promise<string> | null = null;
      return async (statements: string[]) => {
        const sql = await openPostgres(await (url ??= freshDatabase()), { max: 1 });
        try {
          let rows: unknown[] = [];
          for (const statement of statements) rows = [...(await sql.unsafe(statement))];
          return rows;
        } finally {
          await sql.close();
        }
      };
    })(),
  },
];

describe.each(rawDatabases)('name migrations on $name', (database) => {
  test('names that differ only in case (stored before the index): the oldest keeps its name, later ones get " (<id>)", even onto a name already taken; then the index holds', async () => {
    const clients = [
      ['c3', 'shop', at(3)],
      ['c1', 'Shop', at(1)],
      ['c2', 'SHOP', at(2)],
      ['c0', 'Other', at(0)],
      // Named exactly what c2 would become: c2 is renamed a second time.
      ['c4', 'shop (c2)', at(0)],
      ['c5', 'Lone', at(5)],
    ];
    await database.session([
      'DROP INDEX clients_name_lower',
      `DELETE FROM schema_migrations WHERE version = ${database.version.clientNames}`,
      ...clients.map(([id, name, created]) => `INSERT INTO clients (id, name, signing_secret, created_at) VALUES ('${id}', '${name}', 's', '${created}')`),
    ]);
    // Opening again runs the migration over these rows.
    const rows = (await database.session(['SELECT id, name FROM clients ORDER BY id'])) as { id: string; name: string }[];
    expect(Object.fromEntries(rows.map((r) => [r.id, r.name]))).toEqual({
      c0: 'Other',
      c1: 'Shop',
      c2: 'SHOP (c2) (c2)',
      c3: 'shop (c3)',
      c4: 'shop (c2)',
      c5: 'Lone',
    });
    const clash = await database.session(["INSERT INTO clients (id, name, signing_secret, created_at) VALUES ('c6', 'LONE', 's', 'x')"]).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(clash).toContain('clients_name_lower');
  });

  test('user names that differ only in case (stored before the index): the oldest keeps its name, later ones become "<name cut to 41>.<id>", a valid name; then the index holds', async () => {
    const long = 'x'.repeat(60);
    const users = [
      ['u3', 'bob', at(3)],
      ['u1', 'Bob', at(1)],
      ['u2', 'BOB', at(2)],
      ['u4', 'carol', at(4)],
      ['u5', long, at(5)],
      ['u6', long.toUpperCase(), at(6)],
    ];
    await database.session([
      'DROP INDEX users_username_lower',
      `DELETE FROM schema_migrations WHERE version = ${database.version.userNames}`,
      ...users.map(([id, name, created]) => `INSERT INTO users (id, username, password_hash, created_at) VALUES ('${id}', '${name}', 'h', '${created}')`),
    ]);
    const rows = (await database.session(['SELECT id, username FROM users ORDER BY id'])) as { id: string; username: string }[];
    const names = Object.fromEntries(rows.map((r) => [r.id, r.username]));
    expect(names).toEqual({ u1: 'Bob', u2: 'BOB.u2', u3: 'bob.u3', u4: 'carol', u5: long, u6: `${'X'.repeat(41)}.u6` });
    for (const name of Object.values(names)) expect(validateUsername(name)).toBe(name);
    const clash = await database.session(["INSERT INTO users (id, username, password_hash, created_at) VALUES ('u7', 'CAROL', 'h', 'x')"]).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(clash).toContain('users_username_lower');
  });
});

describe('PostgreSQL unreachable', () => {
  test('every repository call and change notice fails as a 503 "unavailable" that says the database is unreachable', async () => {
    const sql = new SQL({ url: 'postgres://imgapi@127.0.0.1:1/imgapi', connectionTimeout: 2 });
    const repos = createPostgresRepositories(sql, createImageCounts());
    for (const call of [() => repos.images.get('acme', 'x'), () => repos.clients.list(), () => repos.folders.ensurePath('acme', ['a'], () => 'f1', at(1), 1000)]) {
      await expect(call()).rejects.toMatchObject({ code: 'unavailable', status: 503, message: expect.stringContaining('The database is unreachable') });
    }
    await expect(createPostgresChangeBus(sql).publish({ kind: 'external' })).rejects.toMatchObject({ code: 'unavailable' });
    await sql.close();
  });
});
