import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** `imgapi audit` on a data directory (the operator sees every client) and against a real server (the key's client). */
describe('imgapi audit in local mode', () => {
  let work: string;
  let env: Record<string, string>;
  let acmeKey: string;
  const imgapi = (args: string[]) => runCli(args, { env });
  const json = async (args: string[]) => {
    const result = await imgapi([...args, '--json']);
    expect([args.join(' '), result.code, result.stderr]).toEqual([args.join(' '), 0, '']);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'imgapi-audit-cli-'));
    env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
    expect((await imgapi(['init', '--yes', '--json'])).code).toBe(0);
    writeFileSync(join(work, 'a.jpg'), await jpeg(20, 20));
    expect((await imgapi(['upload', join(work, 'a.jpg'), '--folder', 'shop'])).code).toBe(0);
    acmeKey = (await json(['client', 'create', 'Acme', '--id', 'acme'])).apiKey;
    expect((await imgapi(['upload', join(work, 'a.jpg'), '--client', 'acme'])).code).toBe(0);
    expect((await imgapi(['client', 'rename', 'acme', 'Acme Europe'])).code).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('every client\'s entries, newest first, the actor the machine\'s operator with no address', async () => {
    const page = await json(['audit']);
    expect(page.items.map((e: any) => [e.clientId, e.action, e.target.name])).toEqual([
      ['acme', 'client.rename', 'Acme Europe'],
      ['acme', 'image.upload', 'a.jpg'],
      ['acme', 'client.create', 'Acme'],
      ['default', 'image.upload', 'shop/a.jpg'],
      // imgapi init: the first client and user.
      [null, 'user.create', 'admin'],
      ['default', 'client.create', 'default'],
    ]);
    for (const e of page.items) expect([e.actor, e.address]).toEqual([{ kind: 'local', id: null, name: 'cli' }, null]);
    expect([page.total, page.page, page.pageSize]).toEqual([6, 1, 24]);
    expect(JSON.stringify(page)).not.toContain(acmeKey);
  });

  test('--client, --action (or a subject), --actor, --since (relative or a date), --to filter; --page paginates with a hint on stderr', async () => {
    expect((await json(['audit', '--client', 'acme'])).total).toBe(3);
    expect((await json(['audit', '--action', 'image.upload'])).total).toBe(2);
    expect((await json(['audit', '--action', 'client'])).items.map((e: any) => [e.action, e.clientId])).toEqual([['client.rename', 'acme'], ['client.create', 'acme'], ['client.create', 'default']]);
    expect((await json(['audit', '--actor', 'local'])).total).toBe(6);
    expect((await json(['audit', '--actor', 'alice'])).total).toBe(0);
    expect((await json(['audit', '--since', '1h'])).total).toBe(6);
    expect((await json(['audit', '--from', '2000-01-01', '--to', '2000-01-31'])).total).toBe(0);
    const first = await imgapi(['audit', '--page-size', '3']);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]!.split('\t')).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'local', 'acme', 'client.rename', 'Acme Europe', '-']);
    expect(first.stderr).toBe('page 1 of 2 (6 entries): --page 2 for more\n');
    const second = await imgapi(['audit', '--page-size', '3', '--page', '2']);
    expect([second.stdout.trim().split('\n').map((line) => line.split('\t').slice(1, 4)), second.stderr]).toEqual([
      [['local', 'default', 'image.upload'], ['local', '-', 'user.create'], ['local', 'default', 'client.create']],
      '',
    ]);
  });

  test('a bad filter is a message on stderr and exit 1, nothing on stdout', async () => {
    for (const args of [['--action', 'image.explode'], ['--since', 'last tuesday'], ['--page', '0']]) {
      const result = await imgapi(['audit', ...args]);
      expect([args.join(' '), result.code, result.stdout]).toEqual([args.join(' '), 1, '']);
      expect(result.stderr.length).toBeGreaterThan(10);
    }
  });
});

describe('imgapi audit in remote mode', () => {
  let s: TestServer;
  let env: Record<string, string>;
  let work: string;
  beforeAll(async () => {
    s = await startServer();
    work = mkdtempSync(join(tmpdir(), 'imgapi-audit-remote-'));
    env = { HOME: isolatedHome(), IMGAPI_URL: s.url, IMGAPI_KEY: s.apiKey };
    await s.ctx.accounts.createClient('Other', 'other');
    writeFileSync(join(work, 'b.jpg'), await jpeg(20, 20));
  });
  afterAll(async () => {
    await s.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test("the key's client's entries: the key as actor, the loopback address; another client is not found", async () => {
    expect((await runCli(['upload', join(work, 'b.jpg')], { env })).code).toBe(0);
    const result = await runCli(['audit', '--json'], { env });
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout);
    expect(page.items).toEqual([
      { time: expect.any(String), actor: { kind: 'key', id: expect.any(String), name: expect.any(String) }, clientId: 'test', action: 'image.upload', target: { id: expect.any(String), name: 'b.jpg' }, address: '127.0.0.1' },
    ]);
    expect(result.stdout).not.toContain(s.apiKey);
    const other = await runCli(['audit', '--client', 'other'], { env });
    expect([other.code, other.stdout]).toEqual([1, '']);
    expect(other.stderr).toMatch(/not found/i);
  });
});
