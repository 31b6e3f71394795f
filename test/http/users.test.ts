import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/** Users management over real HTTP: owners only; invitations and resets used once; the last owner kept; disabled means out at once. */
let s: TestServer;
let owner: string;
const PASSWORD = 'owner password 1';

beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createClient('Second', 'second');
  await s.ctx.users.create({ username: 'olivia', password: PASSWORD });
  owner = await logInCookie(s.url, 'olivia', PASSWORD);
});
afterAll(() => s.stop());

const call = (cookie: string | null, method: string, path: string, body?: unknown, clientId: string | null = null) =>
  sessionRequest(s.url, cookie, clientId, method, `/api/v1${path}`, body);
const tokenOf = (url: string) => /#\/(?:invite|reset)\/([A-Za-z0-9_-]+)$/.exec(url)![1]!;

/** Expires a token's row in the database itself, as time passing would. */
function expire(table: 'invites' | 'password_resets'): void {
  const db = new Database(join(s.dataDir, 'imgapi.db'));
  db.exec('PRAGMA busy_timeout = 5000');
  db.query(`UPDATE ${table} SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL`).run();
  db.close();
}

async function invited(role: string, clientIds: string[], username: string, password = 'invitee password'): Promise<{ id: string; cookie: string }> {
  const invite = await call(owner, 'POST', '/users/invites', { role, clientIds });
  expect(invite.status).toBe(201);
  const accepted = await call(null, 'POST', '/users/invites/accept', { token: tokenOf(invite.json.url), username, password });
  expect(accepted.status).toBe(201);
  const users = (await call(owner, 'GET', '/users')).json.items as { id: string; username: string }[];
  return { id: users.find((u) => u.username === username)!.id, cookie: await logInCookie(s.url, username, password) };
}

describe('users: who may manage them', () => {
  test('owners list users and pending invitations; admins, members and viewers 403; an API key 403; no session 401', async () => {
    const listed = await call(owner, 'GET', '/users');
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([{ id: expect.any(String), username: 'olivia', role: 'owner', clientIds: [], disabled: false, apiKeys: 0, createdAt: expect.any(String) }]);
    for (const role of ['admin', 'member', 'viewer']) {
      const { cookie } = await invited(role, role === 'admin' ? [] : [s.clientId], `${role}-1`);
      const refused = await call(cookie, 'GET', '/users');
      expect([role, refused.status, refused.json.error.code]).toEqual([role, 403, 'forbidden']);
      expect((await call(cookie, 'POST', '/users/invites', { role: 'owner' })).status).toBe(403);
      expect((await call(cookie, 'PATCH', `/users/${listed.json.items[0].id}`, { role: 'viewer' })).status).toBe(403);
      expect((await call(cookie, 'POST', `/users/${listed.json.items[0].id}/password-reset`)).status).toBe(403);
    }
    expect((await s.api('GET', '/users')).status).toBe(403);
    expect((await call(null, 'GET', '/users')).status).toBe(401);
    expect((await call(owner, 'GET', '/users')).json.items.find((u: { username: string }) => u.username === 'olivia').role).toBe('owner');
  });

  test('/auth/me names the role and the granted clients (null: every client)', async () => {
    const me = await sessionRequest(s.url, owner, null, 'GET', '/auth/me');
    expect(me.json).toEqual({ username: 'olivia', role: 'owner', clientIds: null });
    const { cookie } = await invited('viewer', [s.clientId, 'second'], 'vera');
    expect((await sessionRequest(s.url, cookie, null, 'GET', '/auth/me')).json).toEqual({ username: 'vera', role: 'viewer', clientIds: ['second', s.clientId].sort() });
  });
});

describe('users: invitations', () => {
  test('a one-time link: the invitee chooses name and password, then logs in with the role and clients of the invitation', async () => {
    const invite = await call(owner, 'POST', '/users/invites', { role: 'member', clientIds: ['second'] });
    expect(invite.status).toBe(201);
    expect(invite.json.url).toMatch(new RegExp(`^${s.url}/#/invite/[A-Za-z0-9_-]{43}$`));
    expect(invite.json.invite).toEqual({ id: expect.any(String), role: 'member', clientIds: ['second'], createdAt: expect.any(String), expiresAt: invite.json.expiresAt });
    expect(Date.parse(invite.json.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect((await call(owner, 'GET', '/users')).json.invites.map((i: { id: string }) => i.id)).toContain(invite.json.invite.id);

    const token = tokenOf(invite.json.url);
    // A bad name or password, or a name taken: 4xx, and the link still works afterwards.
    expect((await call(null, 'POST', '/users/invites/accept', { token, username: 'has space', password: 'long enough pw' })).status).toBe(400);
    expect((await call(null, 'POST', '/users/invites/accept', { token, username: 'mo', password: 'short' })).status).toBe(400);
    const taken = await call(null, 'POST', '/users/invites/accept', { token, username: 'olivia', password: 'long enough pw' });
    expect([taken.status, taken.json.error.code]).toEqual([409, 'conflict']);
    const accepted = await call(null, 'POST', '/users/invites/accept', { token, username: 'mo', password: 'long enough pw' });
    expect([accepted.status, accepted.json]).toEqual([201, { username: 'mo', role: 'member' }]);
    const cookie = await logInCookie(s.url, 'mo', 'long enough pw');
    expect((await call(cookie, 'GET', '/clients')).json.items.map((c: { id: string }) => c.id)).toEqual(['second']);

    const again = await call(null, 'POST', '/users/invites/accept', { token, username: 'mo2', password: 'long enough pw' });
    expect([again.status, again.json.error.code]).toEqual([409, 'conflict']);
    expect(again.json.error.message).toContain('already used');
    expect((await call(owner, 'GET', '/users')).json.invites.map((i: { id: string }) => i.id)).not.toContain(invite.json.invite.id);
  });

  test('expired → 410; unknown or malformed token → 404; withdrawn → 404; nothing created', async () => {
    const invite = await call(owner, 'POST', '/users/invites', { role: 'viewer', clientIds: [] });
    expire('invites');
    const late = await call(null, 'POST', '/users/invites/accept', { token: tokenOf(invite.json.url), username: 'late', password: 'long enough pw' });
    expect([late.status, late.json.error.code]).toEqual([410, 'expired']);
    for (const token of ['A'.repeat(43), 'not a token', '', '../../etc/passwd']) {
      const unknown = await call(null, 'POST', '/users/invites/accept', { token, username: 'ghost', password: 'long enough pw' });
      expect([token, unknown.status, unknown.json.error.code]).toEqual([token, 404, 'not_found']);
    }
    expect((await call(null, 'POST', '/users/invites/accept', { token: 'x'.repeat(500), username: 'ghost', password: 'long enough pw' })).status).toBe(400);
    const withdrawn = await call(owner, 'POST', '/users/invites', { role: 'viewer' });
    expect((await call(owner, 'DELETE', `/users/invites/${withdrawn.json.invite.id}`)).status).toBe(204);
    expect((await call(owner, 'DELETE', `/users/invites/${withdrawn.json.invite.id}`)).status).toBe(404);
    expect((await call(null, 'POST', '/users/invites/accept', { token: tokenOf(withdrawn.json.url), username: 'ghost', password: 'long enough pw' })).status).toBe(404);
    expect((await call(owner, 'GET', '/users')).json.items.map((u: { username: string }) => u.username)).not.toContain('ghost');
  });

  test('hostile invitations: unknown client 404, unknown role 400, not an object 400; nothing stored', async () => {
    const before = (await call(owner, 'GET', '/users')).json.invites.length;
    const unknownClient = await call(owner, 'POST', '/users/invites', { role: 'member', clientIds: [s.clientId, 'nope'] });
    expect([unknownClient.status, unknownClient.json.error]).toEqual([404, { code: 'not_found', message: 'Client "nope" not found' }]);
    for (const body of [{ role: 'god' }, { role: 'member', clientIds: 'test' }, ['member'], { role: 'member', clientIds: [1] }, {}, { role: 'member', extra: 1 }]) {
      const answer = await call(owner, 'POST', '/users/invites', body);
      expect([JSON.stringify(body), answer.status, answer.json.error.code]).toEqual([JSON.stringify(body), 400, 'invalid_input']);
    }
    expect((await call(owner, 'GET', '/users')).json.invites.length).toBe(before);
  });
});

describe('users: roles, clients, disabling', () => {
  test('grant and revoke take effect on the next request; a role change too', async () => {
    const { id, cookie } = await invited('member', [s.clientId], 'gina');
    expect((await call(cookie, 'GET', '/images', undefined, 'second')).status).toBe(404);
    const granted = await call(owner, 'PUT', `/users/${id}/clients/second`);
    expect([granted.status, granted.json.clientIds]).toEqual([200, ['second', s.clientId].sort()]);
    expect((await call(cookie, 'GET', '/images', undefined, 'second')).status).toBe(200);
    expect((await call(owner, 'DELETE', `/users/${id}/clients/second`)).json.clientIds).toEqual([s.clientId]);
    expect((await call(cookie, 'GET', '/images', undefined, 'second')).status).toBe(404);
    expect((await call(owner, 'DELETE', `/users/${id}/clients/second`)).status).toBe(404);
    expect((await call(owner, 'PUT', `/users/${id}/clients/nope`)).status).toBe(404);

    expect((await call(cookie, 'POST', '/keys', { name: 'k' }, s.clientId)).status).toBe(201);
    expect((await call(owner, 'PATCH', `/users/${id}`, { role: 'viewer' })).json.role).toBe('viewer');
    expect((await call(cookie, 'POST', '/keys', { name: 'k' }, s.clientId)).status).toBe(403);
    const both = await call(owner, 'PATCH', `/users/${id}`, { role: 'admin', clientIds: [] });
    expect([both.status, both.json.role, both.json.clientIds]).toEqual([200, 'admin', []]);
    expect((await call(cookie, 'GET', '/images', undefined, 'second')).status).toBe(200);
  });

  test('promoting to admin or owner drops the grants (unseen while promoted, they came back with a demotion); a demoted user starts with none', async () => {
    const { id, cookie } = await invited('member', [s.clientId], 'petra');
    const promoted = await call(owner, 'PATCH', `/users/${id}`, { role: 'admin' });
    expect([promoted.status, promoted.json.clientIds]).toEqual([200, []]);
    const demoted = await call(owner, 'PATCH', `/users/${id}`, { role: 'viewer' });
    expect([demoted.status, demoted.json.role, demoted.json.clientIds]).toEqual([200, 'viewer', []]);
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(404);
    expect((await call(owner, 'PUT', `/users/${id}/clients/${s.clientId}`)).json.clientIds).toEqual([s.clientId]);
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(200);
  });

  test('a PATCH with only a mistyped field names it; an empty one says what it takes', async () => {
    const { id } = await invited('member', [s.clientId], 'ivan');
    const typo = await call(owner, 'PATCH', `/users/${id}`, { revokekeys: true });
    expect([typo.status, typo.json.error.message]).toEqual([400, 'Unknown field "revokekeys": expected role, clientIds, disabled, revokeKeys']);
    const empty = await call(owner, 'PATCH', `/users/${id}`, {});
    expect([empty.status, empty.json.error.message]).toEqual([400, 'Nothing to change: give role, clientIds, disabled or revokeKeys']);
  });

  test('a PATCH is checked whole: an unknown client or a bad field changes nothing', async () => {
    const { id } = await invited('member', [s.clientId], 'hank');
    const refused = await call(owner, 'PATCH', `/users/${id}`, { role: 'viewer', clientIds: ['nope'] });
    expect(refused.status).toBe(404);
    for (const body of [{}, { role: 'root' }, { disabled: 'yes' }, { clientIds: [null] }, { rolee: 'viewer' }, { role: 'viewer', admin: true }, { revokeKeys: false }, { revokeKeys: 'yes' }]) {
      expect([JSON.stringify(body), (await call(owner, 'PATCH', `/users/${id}`, body)).status]).toEqual([JSON.stringify(body), 400]);
    }
    const user = (await call(owner, 'GET', '/users')).json.items.find((u: { id: string }) => u.id === id);
    expect([user.role, user.clientIds]).toEqual(['member', [s.clientId]]);
    expect((await call(owner, 'PATCH', '/users/nobody', { role: 'viewer' })).status).toBe(404);
    expect((await call(owner, 'PATCH', `/users/${'x'.repeat(300)}`, { role: 'viewer' })).status).toBe(400);
  });

  test('disabling ends the user\'s sessions at once and stops log-in (403); enabling lets them back', async () => {
    const { id, cookie } = await invited('member', [s.clientId], 'dora', 'dora password');
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(200);
    const disabled = await call(owner, 'PATCH', `/users/${id}`, { disabled: true });
    expect([disabled.status, disabled.json.disabled]).toEqual([200, true]);
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(401);
    expect((await sessionRequest(s.url, cookie, null, 'GET', '/auth/me')).json).toEqual({ username: null });
    const login = await sessionRequest(s.url, null, null, 'POST', '/auth/login', { username: 'dora', password: 'dora password' });
    expect([login.status, login.json.error.code]).toEqual([403, 'forbidden']);
    const wrong = await sessionRequest(s.url, null, null, 'POST', '/auth/login', { username: 'dora', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect((await call(owner, 'PATCH', `/users/${id}`, { disabled: false })).json.disabled).toBe(false);
    expect((await call(await logInCookie(s.url, 'dora', 'dora password'), 'GET', '/images', undefined, s.clientId)).status).toBe(200);
  });

  test('keys a member made name their maker; disabling with revokeKeys revokes them on every client (401 at once), logged per key; without it they keep working', async () => {
    const { id, cookie } = await invited('member', [s.clientId, 'second'], 'kira', 'kira password');
    const made = [
      await call(cookie, 'POST', '/keys', { name: 'kira-ci' }, s.clientId),
      await call(cookie, 'POST', '/keys', { name: 'kira-shop' }, 'second'),
    ];
    // A key made with one of kira's keys answers to kira too: one request must not outlive her.
    made.push(await s.api('POST', '/keys', { name: 'kira-via-key' }, made[0]!.json.apiKey));
    for (const key of made) expect([key.status, key.json.createdBy]).toEqual([201, { id, username: 'kira' }]);
    // The server's first key has no maker, nor has one it makes.
    expect((await s.api('POST', '/keys', { name: 'by-the-first-key' })).json.createdBy).toBeNull();
    const byOwner = await call(owner, 'POST', '/keys', { name: 'olivia-deploy' }, s.clientId);
    const listed = (await call(owner, 'GET', '/keys', undefined, s.clientId)).json.items as { name: string; createdBy: unknown }[];
    expect(listed.find((k) => k.name === 'kira-ci')!.createdBy).toEqual({ id, username: 'kira' });
    // The test server's first key was made by no user (the CLI's start-up).
    expect(listed.filter((k) => k.createdBy === null).length).toBeGreaterThan(0);
    const kira = () => call(owner, 'GET', '/users').then((r) => r.json.items.find((u: { id: string }) => u.id === id));
    expect((await kira()).apiKeys).toBe(3);
    const works = (apiKey: string) => s.api('GET', '/images', undefined, apiKey).then((r) => r.status);
    expect(await Promise.all(made.map((k) => works(k.json.apiKey)))).toEqual([200, 200, 200]);

    // Disabled alone: out of the dashboard, the keys still work (they belong to their client).
    expect((await call(owner, 'PATCH', `/users/${id}`, { disabled: true })).json).toMatchObject({ disabled: true, apiKeys: 3 });
    expect(await Promise.all(made.map((k) => works(k.json.apiKey)))).toEqual([200, 200, 200]);
    // revokeKeys: every key kira made goes, on both clients; olivia's stays.
    const revoked = await call(owner, 'PATCH', `/users/${id}`, { disabled: true, revokeKeys: true });
    expect([revoked.status, revoked.json.disabled, revoked.json.apiKeys]).toEqual([200, true, 0]);
    expect(await Promise.all(made.map((k) => works(k.json.apiKey)))).toEqual([401, 401, 401]);
    expect(await works(byOwner.json.apiKey)).toBe(200);
    expect((await call(owner, 'GET', '/keys', undefined, 'second')).json.items.map((k: { name: string }) => k.name)).not.toContain('kira-shop');
    const log = (await call(owner, 'GET', '/audit?action=key.revoke')).json.items as { clientId: string; target: { name: string }; actor: { name: string } }[];
    expect(log.map((e) => [e.clientId, e.target.name, e.actor.name]).sort()).toEqual([
      ['second', 'kira-shop', 'olivia'],
      [s.clientId, 'kira-ci', 'olivia'],
      [s.clientId, 'kira-via-key', 'olivia'],
    ]);
    // A refused change revokes nothing: no such user is a 404.
    expect((await call(owner, 'PATCH', '/users/nobody', { revokeKeys: true })).status).toBe(404);
  });

  test('the last enabled owner cannot be demoted or disabled (409), an owner cannot disable themselves (409)', async () => {
    const me = (await call(owner, 'GET', '/users')).json.items.find((u: { username: string }) => u.username === 'olivia');
    const self = await call(owner, 'PATCH', `/users/${me.id}`, { disabled: true });
    expect([self.status, self.json.error.message]).toEqual([409, 'You cannot disable yourself']);
    const demote = await call(owner, 'PATCH', `/users/${me.id}`, { role: 'admin' });
    expect([demote.status, demote.json.error.code]).toEqual([409, 'conflict']);
    expect(demote.json.error.message).toContain('last enabled owner');

    const second = await invited('owner', [], 'otto', 'otto password');
    // Two owners: one may go; then the one left is the last.
    expect((await call(second.cookie, 'PATCH', `/users/${me.id}`, { role: 'admin' })).status).toBe(200);
    expect((await call(second.cookie, 'PATCH', `/users/${second.id}`, { role: 'member' })).status).toBe(409);
    expect((await call(owner, 'GET', '/users')).status).toBe(403);
    expect((await call(second.cookie, 'PATCH', `/users/${me.id}`, { role: 'owner' })).status).toBe(200);
    expect((await call(owner, 'PATCH', `/users/${second.id}`, { disabled: true })).status).toBe(200);
    // otto is disabled: olivia is the last enabled owner again.
    expect((await call(owner, 'PATCH', `/users/${me.id}`, { role: 'viewer' })).status).toBe(409);
    expect((await call(second.cookie, 'GET', '/users')).status).toBe(401);
  });
});

describe('users: passwords', () => {
  test('a reset link: one use, ends every session of the user; expired 410; reused 409; none for a disabled user', async () => {
    const { id, cookie } = await invited('viewer', [s.clientId], 'rita', 'rita password');
    const reset = await call(owner, 'POST', `/users/${id}/password-reset`);
    expect(reset.status).toBe(201);
    expect(reset.json.url).toMatch(new RegExp(`^${s.url}/#/reset/[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(reset.json.url);
    expect((await call(null, 'POST', '/users/password-reset/accept', { token, password: 'short' })).status).toBe(400);
    const done = await call(null, 'POST', '/users/password-reset/accept', { token, password: 'rita new password' });
    expect([done.status, done.json]).toEqual([200, { username: 'rita', role: 'viewer' }]);
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(401);
    expect((await sessionRequest(s.url, null, null, 'POST', '/auth/login', { username: 'rita', password: 'rita password' })).status).toBe(401);
    await logInCookie(s.url, 'rita', 'rita new password');
    const reused = await call(null, 'POST', '/users/password-reset/accept', { token, password: 'third password' });
    expect([reused.status, reused.json.error.code]).toEqual([409, 'conflict']);

    const second = await call(owner, 'POST', `/users/${id}/password-reset`);
    expire('password_resets');
    const late = await call(null, 'POST', '/users/password-reset/accept', { token: tokenOf(second.json.url), password: 'third password' });
    expect([late.status, late.json.error.code]).toEqual([410, 'expired']);
    await logInCookie(s.url, 'rita', 'rita new password');

    await call(owner, 'PATCH', `/users/${id}`, { disabled: true });
    expect((await call(owner, 'POST', `/users/${id}/password-reset`)).status).toBe(409);
    expect((await call(owner, 'POST', '/users/nobody/password-reset')).status).toBe(404);
  });

  test('every role changes its own password with the current one; other sessions end, this one stays', async () => {
    const { cookie } = await invited('viewer', [s.clientId], 'paul', 'paul password');
    const elsewhere = await logInCookie(s.url, 'paul', 'paul password');
    const wrong = await call(cookie, 'PUT', '/users/me/password', { currentPassword: 'not it', newPassword: 'paul new password' });
    expect([wrong.status, wrong.json.error.code]).toEqual([403, 'forbidden']);
    expect((await call(cookie, 'PUT', '/users/me/password', { currentPassword: 'paul password', newPassword: 'short' })).status).toBe(400);
    expect((await call(cookie, 'PUT', '/users/me/password', { currentPassword: 'paul password', newPassword: 'paul new password' })).status).toBe(204);
    expect((await call(cookie, 'GET', '/images', undefined, s.clientId)).status).toBe(200);
    expect((await call(elsewhere, 'GET', '/images', undefined, s.clientId)).status).toBe(401);
    await logInCookie(s.url, 'paul', 'paul new password');
    expect((await call(null, 'PUT', '/users/me/password', { currentPassword: 'x', newPassword: 'yyyyyyyyyy' })).status).toBe(401);
  });
});
