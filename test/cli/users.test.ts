import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, spawnServe } from '../helpers/cli';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/** `imgapi user …` on a data directory: roles, clients, disabling, links; then a real server honours them. */
const dataDir = mkdtempSync(join(tmpdir(), 'imgapi-cli-users-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const imgapi = (args: string[], stdin?: string, env: Record<string, string> = {}) => runCli(args, { env: { IMGAPI_DATA: dataDir, ...env }, stdin });
const listed = async () => JSON.parse((await imgapi(['user', 'list', '--json'])).stdout) as { username: string; role: string; clientIds: string[]; disabled: boolean }[];
const one = async (name: string) => (await listed()).find((u) => u.username === name)!;

beforeAll(async () => {
  expect((await imgapi(['client', 'create', 'Acme', '--id', 'acme'])).code).toBe(0);
  expect((await imgapi(['client', 'create', 'Shop', '--id', 'shop'])).code).toBe(0);
});

describe('imgapi user', () => {
  test('create: owner by default; --role with repeated --client for a member or viewer; --json prints the user', async () => {
    expect((await imgapi(['user', 'create', 'olga', '--password-stdin'], 'olga password\n')).code).toBe(0);
    const member = await imgapi(['user', 'create', 'max', '--role', 'member', '--client', 'acme', '--client=shop', '--password-stdin', '--json'], 'max password');
    expect(member.code).toBe(0);
    expect(JSON.parse(member.stdout)).toMatchObject({ username: 'max', role: 'member', clientIds: ['acme', 'shop'], disabled: false });
    expect(await one('olga')).toMatchObject({ role: 'owner', clientIds: [] });
    const plain = await imgapi(['user', 'list']);
    expect(plain.stdout.trim().split('\n')).toEqual(['olga\towner\tenabled\t*', 'max\tmember\tenabled\tacme,shop']);
  });

  test('create refuses clearly: unknown client (exit 1, nothing created), unknown role (2), --client for an owner (2), a taken name (1)', async () => {
    const unknown = await imgapi(['user', 'create', 'nora', '--role', 'viewer', '--client', 'nope', '--password-stdin'], 'nora password');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'imgapi: Client "nope" not found']);
    const role = await imgapi(['user', 'create', 'nora', '--role', 'root', '--password-stdin'], 'nora password');
    expect([role.code, role.stderr]).toEqual([2, expect.stringContaining('Allowed choices are owner, admin, member, viewer')]);
    const owner = await imgapi(['user', 'create', 'nora', '--role', 'owner', '--client', 'acme', '--password-stdin'], 'nora password');
    expect([owner.code, owner.stderr]).toEqual([2, expect.stringContaining('--client is for members and viewers')]);
    expect((await imgapi(['user', 'create', 'max', '--password-stdin'], 'another password')).code).toBe(1);
    expect((await listed()).map((u) => u.username)).toEqual(['olga', 'max']);
  });

  test('role, grant, revoke, disable, enable; the last owner is kept (exit 1); unknown user exit 1, unknown role exit 2', async () => {
    expect(JSON.parse((await imgapi(['user', 'role', 'max', 'viewer', '--json'])).stdout).role).toBe('viewer');
    expect((await imgapi(['user', 'revoke', 'max', 'shop'])).stdout.trim()).toBe('max\tviewer\tenabled\tacme');
    expect((await imgapi(['user', 'revoke', 'max', 'shop'])).code).toBe(1);
    expect((await imgapi(['user', 'grant', 'max', 'shop'])).stdout.trim()).toBe('max\tviewer\tenabled\tacme,shop');
    expect((await imgapi(['user', 'grant', 'max', 'nope'])).code).toBe(1);
    const last = await imgapi(['user', 'role', 'olga', 'admin']);
    expect([last.code, last.stderr]).toEqual([1, expect.stringContaining('last enabled owner')]);
    expect((await imgapi(['user', 'disable', 'olga'])).code).toBe(1);
    expect((await imgapi(['user', 'role', 'ghost', 'admin'])).code).toBe(1);
    expect((await imgapi(['user', 'role', 'max', 'root'])).code).toBe(2);
    expect((await imgapi(['user', 'disable', 'max'])).stdout.trim()).toBe('max\tviewer\tdisabled\tacme,shop');
    expect((await imgapi(['user', 'enable', 'max'])).stdout.trim()).toBe('max\tviewer\tenabled\tacme,shop');
  });

  test('reset-password and invite print one-time links; they need a public URL (exit 2 without); a running server accepts them', async () => {
    const missing = await imgapi(['user', 'reset-password', 'max']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--public-url')]);
    expect((await imgapi(['user', 'reset-password', 'max', '--public-url', 'ftp://x'])).code).toBe(2);

    const server = await spawnServe(dataDir, 0, { IMGAPI_LOG: 'off' });
    try {
      const reset = await imgapi(['user', 'reset-password', 'max', '--public-url', server.url]);
      expect(reset.code).toBe(0);
      expect(reset.stdout.trim()).toMatch(new RegExp(`^${server.url}/#/reset/[A-Za-z0-9_-]{43}$`));
      const token = reset.stdout.trim().split('/').pop();
      expect((await sessionRequest(server.url, null, null, 'POST', '/api/v1/users/password-reset/accept', { token, password: 'max new password' })).status).toBe(200);
      const max = await logInCookie(server.url, 'max', 'max new password');
      expect((await sessionRequest(server.url, max, null, 'GET', '/auth/me')).json).toEqual({ username: 'max', role: 'viewer', clientIds: ['acme', 'shop'] });

      const invite = await imgapi(['user', 'invite', '--role', 'member', '--client', 'shop', '--json'], undefined, { IMGAPI_PUBLIC_URL: server.url });
      expect(invite.code).toBe(0);
      const { url, invite: made } = JSON.parse(invite.stdout);
      expect(made).toMatchObject({ role: 'member', clientIds: ['shop'] });
      const accepted = await sessionRequest(server.url, null, null, 'POST', '/api/v1/users/invites/accept', { token: url.split('/').pop(), username: 'ivy', password: 'ivy password' });
      expect([accepted.status, accepted.json]).toEqual([201, { username: 'ivy', role: 'member' }]);

      // Disabled from the command line while logged in: the server ends the session at once.
      expect((await imgapi(['user', 'disable', 'max'])).code).toBe(0);
      expect((await sessionRequest(server.url, max, 'acme', 'GET', '/api/v1/images')).status).toBe(401);

      // A key ivy made keeps working when she is disabled (the output says so), until --revoke-keys.
      const ivy = await logInCookie(server.url, 'ivy', 'ivy password');
      const key = (await sessionRequest(server.url, ivy, 'shop', 'POST', '/api/v1/keys', { name: 'ivy-build' })).json.apiKey as string;
      const works = () => fetch(`${server.url}/api/v1/images`, { headers: { 'x-api-key': key } }).then((r) => r.status);
      const disabled = await imgapi(['user', 'disable', 'ivy']);
      expect([disabled.code, disabled.stdout.trim().split('\n')]).toEqual([0, ['ivy\tmember\tdisabled\tshop', '1 API key(s) they made still work: imgapi user disable ivy --revoke-keys']]);
      expect(await works()).toBe(200);
      const revoked = await imgapi(['user', 'disable', 'ivy', '--revoke-keys', '--json']);
      expect([revoked.code, JSON.parse(revoked.stdout)]).toEqual([0, expect.objectContaining({ username: 'ivy', disabled: true, apiKeys: 0 })]);
      expect(await works()).toBe(401);
      expect((await imgapi(['user', 'disable', 'ivy', '--revoke-keys'])).stdout.trim().split('\n').pop()).toBe('revoked 0 API key(s)');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
