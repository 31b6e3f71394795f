import { afterAll, beforeAll, expect, test } from 'bun:test';
import { freshDatabase } from '../helpers/postgres';
import { startNode, startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/**
 * Two nodes on one PostgreSQL, over real HTTP: each node's owner demoting (or disabling) the
 * other owner at the same moment leaves one enabled owner (the database's lock, not a node's
 * memory); grants sent to both nodes at once all stay.
 */
let a: TestServer;
let b: Awaited<ReturnType<typeof startNode>>;

beforeAll(async () => {
  const database = await freshDatabase();
  a = await startServer({ IMGAPI_DATABASE_URL: database });
  b = await startNode({ IMGAPI_DATABASE_URL: database });
}, 60_000);
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const call = (url: string, cookie: string, method: string, path: string, body?: unknown) => sessionRequest(url, cookie, null, method, `/api/v1${path}`, body);
const enabledOwners = async () => (await a.ctx.users.list()).filter((u) => u.role === 'owner' && u.disabledAt === null);

test('each node demoting or disabling the other owner at once: one wins, the other is refused, an enabled owner stays', async () => {
  const olivia = (await a.ctx.users.create({ username: 'olivia', password: 'olivia password' })).id;
  const oscar = (await a.ctx.users.create({ username: 'oscar', password: 'oscar password' })).id;
  let oliviaOnA = await logInCookie(a.url, 'olivia', 'olivia password');
  let oscarOnB = await logInCookie(b.url, 'oscar', 'oscar password');
  for (let round = 0; round < 8; round++) {
    const change = round % 2 === 0 ? { role: 'admin' } : { disabled: true };
    const [byOlivia, byOscar] = await Promise.all([call(a.url, oliviaOnA, 'PATCH', `/users/${oscar}`, change), call(b.url, oscarOnB, 'PATCH', `/users/${olivia}`, change)]);
    // The loser: 409 (last owner) when both got past the role check; when the winner's change
    // came first, 403 (no longer an owner) or 401 (disabled: no session).
    const statuses = [byOlivia.status, byOscar.status].sort();
    expect([round, statuses, statuses[0] === 200 && [401, 403, 409].includes(statuses[1]!)]).toEqual([round, statuses, true]);
    const owners = await enabledOwners();
    expect([round, owners.length]).toEqual([round, 1]);
    const loser = owners[0]!.id === olivia ? oscar : olivia;
    await a.ctx.users.change(loser, { role: 'owner', disabled: false });
    if (loser === olivia) oliviaOnA = await logInCookie(a.url, 'olivia', 'olivia password');
    else oscarOnB = await logInCookie(b.url, 'oscar', 'oscar password');
  }
});

test('ten clients granted to one member through both nodes at once: all ten stay; revoked at once: none left', async () => {
  await a.ctx.users.create({ username: 'greta', password: 'greta password' });
  const owner = await logInCookie(a.url, 'greta', 'greta password');
  const ownerOnB = await logInCookie(b.url, 'greta', 'greta password');
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await a.ctx.accounts.createClient(`Race ${i}`, `race-${i}`)).client.id);
  const gina = (await a.ctx.users.create({ username: 'gina', password: 'gina password', role: 'member', clientIds: [] })).id;
  const through = (i: number) => (i % 2 === 0 ? [a.url, owner] : [b.url, ownerOnB]) as [string, string];
  const granted = await Promise.all(ids.map((id, i) => call(...through(i), 'PUT', `/users/${gina}/clients/${id}`)));
  expect(granted.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect((await a.ctx.users.get(gina)).clientIds.sort()).toEqual([...ids].sort());
  const revoked = await Promise.all(ids.map((id, i) => call(...through(i), 'DELETE', `/users/${gina}/clients/${id}`)));
  expect(revoked.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect((await a.ctx.users.get(gina)).clientIds).toEqual([]);
});
