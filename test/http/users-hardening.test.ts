import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { spawnServe } from '../helpers/cli';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/**
 * Users over real HTTP, where it can be abused or raced: made-up link tokens cost no password
 * hash and are throttled, wrong current passwords are throttled, concurrent grants all stay,
 * two servers on one SQLite file demoting two owners at once keep one.
 */
let s: TestServer;
let owner: string;
const PASSWORD = 'owner password 1';

beforeAll(async () => {
  s = await startServer();
  await s.ctx.users.create({ username: 'olivia', password: PASSWORD });
  owner = await logInCookie(s.url, 'olivia', PASSWORD);
});
afterAll(() => s.stop());

const call = (url: string, cookie: string | null, method: string, path: string, body?: unknown) => sessionRequest(url, cookie, null, method, `/api/v1${path}`, body);
const tokenOf = (url: string) => /#\/(?:invite|reset)\/([A-Za-z0-9_-]+)$/.exec(url)![1]!;
const unknownToken = (n: number) => `${'A'.repeat(42)}${'ABCDEFGHIJ'[n]}`;

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function userId(username: string): Promise<string> {
  const users = (await call(s.url, owner, 'GET', '/users')).json.items as { id: string; username: string }[];
  return users.find((u) => u.username === username)!.id;
}

describe('one-time links: a made-up token costs no password hash', () => {
  test('20 accepts at once with a malformed token, or a used one, and an owner logging in meanwhile: all answer within a few hashes\' time', async () => {
    const oneHash = (await timed(() => Bun.password.hash('a password to time', { algorithm: 'argon2id' }))).ms;
    const invite = await call(s.url, owner, 'POST', '/users/invites', { role: 'viewer' });
    const used = tokenOf(invite.json.url);
    expect((await call(s.url, null, 'POST', '/users/invites/accept', { token: used, username: 'first', password: 'first password' })).status).toBe(201);

    // Four well-formed tokens unknown to the reset route, one short of the address's throttle:
    // a fifth would lock the address part-way through the burst and turn a later answer into 429.
    const accepts = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? call(s.url, null, 'POST', '/users/invites/accept', { token: 'x', username: `u${i}`, password: 'long enough pw' })
        : i % 4 === 1
          ? call(s.url, null, 'POST', '/users/invites/accept', { token: used, username: `u${i}`, password: 'long enough pw' })
          : call(s.url, null, 'POST', '/users/password-reset/accept', { token: i === 19 ? 'x' : used, password: 'long enough pw' }),
    );
    const [burst, login] = await Promise.all([timed(() => Promise.all(accepts)), timed(() => logInCookie(s.url, 'olivia', PASSWORD))]);
    expect(burst.value.map((r) => r.status).sort()).toEqual([...Array(15).fill(404), ...Array(5).fill(409)].sort());
    // Twenty argon2 hashes on this machine's two cores would take ten hashes' time or more,
    // and the log-in's own hash would wait behind them.
    expect(burst.ms).toBeLessThan(oneHash * 5);
    expect(login.ms).toBeLessThan(oneHash * 5);
  });
});

describe('throttles', () => {
  let t: TestServer;
  let tOwner: string;
  beforeAll(async () => {
    // A server of its own: its loopback address ends up locked.
    t = await startServer();
    await t.ctx.users.create({ username: 'otto', password: PASSWORD });
    tOwner = await logInCookie(t.url, 'otto', PASSWORD);
  });
  afterAll(() => t.stop());

  test('unknown link tokens count as failed log-ins of the address: the 6th try is a 429, even with a good token', async () => {
    const invite = await call(t.url, tOwner, 'POST', '/users/invites', { role: 'viewer' });
    for (let i = 0; i < 3; i++) expect((await call(t.url, null, 'POST', '/users/invites/accept', { token: unknownToken(i), username: 'g', password: 'long enough pw' })).status).toBe(404);
    for (let i = 3; i < 5; i++) expect((await call(t.url, null, 'POST', '/users/password-reset/accept', { token: unknownToken(i), password: 'long enough pw' })).status).toBe(404);
    const locked = await call(t.url, null, 'POST', '/users/invites/accept', { token: tokenOf(invite.json.url), username: 'late', password: 'long enough pw' });
    expect([locked.status, locked.json.error.code]).toEqual([429, 'rate_limited']);
    expect(locked.json.error.message).toMatch(/try again in \d+ s/);
    expect((await call(t.url, null, 'POST', '/users/password-reset/accept', { token: unknownToken(5), password: 'long enough pw' })).status).toBe(429);
    // Nothing was created; the invitation is still pending.
    expect((await call(t.url, tOwner, 'GET', '/users')).json.items.map((u: { username: string }) => u.username)).toEqual(['otto']);
    expect((await call(t.url, tOwner, 'GET', '/users')).json.invites).toHaveLength(1);
  });

  test('PUT /users/me/password: after 5 wrong current passwords a 429, even with the right one; the password unchanged', async () => {
    await t.ctx.users.create({ username: 'maja', password: 'maja password', role: 'member', clientIds: [] });
    const maja = await logInCookie(t.url, 'maja', 'maja password');
    for (let i = 0; i < 5; i++) {
      const wrong = await call(t.url, maja, 'PUT', '/users/me/password', { currentPassword: `wrong ${i}`, newPassword: 'maja new password' });
      expect([wrong.status, wrong.json.error.code]).toEqual([403, 'forbidden']);
    }
    const locked = await call(t.url, maja, 'PUT', '/users/me/password', { currentPassword: 'maja password', newPassword: 'maja new password' });
    expect([locked.status, locked.json.error.code]).toEqual([429, 'rate_limited']);
    await logInCookie(t.url, 'maja', 'maja password');
    // Another user is not locked by maja's failures.
    expect((await call(t.url, tOwner, 'PUT', '/users/me/password', { currentPassword: PASSWORD, newPassword: 'otto new password' })).status).toBe(204);
  });
});

describe('invitations', () => {
  test('an owner or admin invitation with clientIds is a 400 naming the field; nothing stored', async () => {
    const before = (await call(s.url, owner, 'GET', '/users')).json.invites.length;
    for (const role of ['owner', 'admin']) {
      const refused = await call(s.url, owner, 'POST', '/users/invites', { role, clientIds: [s.clientId] });
      expect([role, refused.status, refused.json.error.code]).toEqual([role, 400, 'invalid_input']);
      expect(refused.json.error.message).toContain('clientIds');
    }
    expect((await call(s.url, owner, 'POST', '/users/invites', { role: 'admin', clientIds: [] })).status).toBe(201);
    expect((await call(s.url, owner, 'GET', '/users')).json.invites.length).toBe(before + 1);
  });
});

describe('races: this server and a second one, its own process, on the same SQLite file', () => {
  let b: Awaited<ReturnType<typeof spawnServe>>;
  beforeAll(async () => {
    b = await spawnServe(s.dataDir);
  }, 60_000);
  afterAll(() => b.stop());

  test('ten clients granted to one member through both at once: all ten stay; revoked at once: none left', async () => {
    const ownerOnB = await logInCookie(b.url, 'olivia', PASSWORD);
    const through = (i: number) => (i % 2 === 0 ? [s.url, owner] : [b.url, ownerOnB]) as [string, string];
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await s.ctx.accounts.createClient(`Race ${i}`, `race-${i}`)).client.id);
    await s.ctx.users.create({ username: 'gina', password: 'gina password', role: 'member', clientIds: [] });
    const gina = await userId('gina');
    const granted = await Promise.all(ids.map((id, i) => call(...through(i), 'PUT', `/users/${gina}/clients/${id}`)));
    expect(granted.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await s.ctx.users.get(gina)).clientIds.sort()).toEqual([...ids].sort());
    const revoked = await Promise.all(ids.map((id, i) => call(...through(i), 'DELETE', `/users/${gina}/clients/${id}`)));
    expect(revoked.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await s.ctx.users.get(gina)).clientIds).toEqual([]);
    expect((await call(s.url, owner, 'DELETE', `/users/${gina}/clients/${ids[0]}`)).status).toBe(404);
  });

  test('each demoting (or disabling) the other owner at once: exactly one wins, an enabled owner stays', async () => {
    await s.ctx.users.create({ username: 'oscar', password: 'oscar password' });
    const olivia = await userId('olivia');
    const oscar = await userId('oscar');
    let oscarOnB = await logInCookie(b.url, 'oscar', 'oscar password');
    for (let round = 0; round < 8; round++) {
      const change = round % 2 === 0 ? { role: 'admin' } : { disabled: true };
      const [byOlivia, byOscar] = await Promise.all([call(s.url, owner, 'PATCH', `/users/${oscar}`, change), call(b.url, oscarOnB, 'PATCH', `/users/${olivia}`, change)]);
      // The loser: 409 (last owner) when both got past the role check; when the winner's change
      // came first, 403 (no longer an owner) or 401 (disabled: no session).
      const statuses = [byOlivia.status, byOscar.status].sort();
      expect([round, statuses, statuses[0] === 200 && [401, 403, 409].includes(statuses[1]!)]).toEqual([round, statuses, true]);
      const owners = (await s.ctx.users.list()).filter((u) => u.role === 'owner' && u.disabledAt === null);
      expect([round, owners.length]).toEqual([round, 1]);
      // Back to two owners for the next round (a disabled one's sessions ended: log in again).
      const loser = owners[0]!.id === olivia ? oscar : olivia;
      await s.ctx.users.change(loser, { role: 'owner', disabled: false });
      if (loser === olivia) owner = await logInCookie(s.url, 'olivia', PASSWORD);
      else oscarOnB = await logInCookie(b.url, 'oscar', 'oscar password');
    }
  });
});
