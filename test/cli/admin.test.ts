import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPath } from '../../src/core/signing';
import { runCli, spawnServe } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';

const dataDir = mkdtempSync(join(tmpdir(), 'imgapi-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const imgapi = (args: string[], stdin?: string) => runCli(args, { env: { IMGAPI_DATA: dataDir }, stdin });

describe('admin CLI, local mode', () => {
  test('client create --json prints exactly one JSON object', async () => {
    const { stdout, code } = await imgapi(['client', 'create', 'Acme Inc', '--id', 'acme', '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!);
    expect(Object.keys(parsed).sort()).toEqual(['apiKey', 'clientId']);
    expect(parsed.clientId).toBe('acme');
    expect(parsed.apiKey).toMatch(/^isk_[A-Za-z0-9]{32,}$/);
  });

  test('client create without --id derives the id from the name; a taken or bad id fails with exit 1', async () => {
    const derived = await imgapi(['client', 'create', 'Blue Sky Studio', '--json']);
    expect(JSON.parse(derived.stdout).clientId).toBe('blue-sky-studio');
    const taken = await imgapi(['client', 'create', 'Again', '--id', 'acme']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const bad = await imgapi(['client', 'create', 'Bad', '--id', 'Bad_Id']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must match');
  });

  test('client rename changes the name only; a name taken in another case or with control characters fails with exit 1', async () => {
    await imgapi(['client', 'create', 'Renamed Later', '--id', 'renamed']);
    const renamed = await imgapi(['client', 'rename', 'renamed', '  Acme Europe ', '--json']);
    expect(renamed.code).toBe(0);
    expect(JSON.parse(renamed.stdout)).toMatchObject({ id: 'renamed', name: 'Acme Europe' });
    const taken = await imgapi(['client', 'rename', 'renamed', 'ACME INC']);
    expect([taken.code, taken.stderr]).toEqual([1, expect.stringContaining('already exists')]);
    const bidi = await imgapi(['client', 'rename', 'renamed', 'evil\u202eexe']);
    expect([bidi.code, bidi.stderr]).toEqual([1, expect.stringContaining('bidi')]);
    const list = JSON.parse((await imgapi(['client', 'list', '--json'])).stdout);
    expect(list.find((c: any) => c.id === 'renamed').name).toBe('Acme Europe');
  });

  test('client delete removes the client; unknown id → exit 1', async () => {
    const deleted = await imgapi(['client', 'delete', 'renamed', '--json']);
    expect([deleted.code, JSON.parse(deleted.stdout)]).toEqual([0, { deleted: 'renamed' }]);
    expect(JSON.parse((await imgapi(['client', 'list', '--json'])).stdout).map((c: any) => c.id)).not.toContain('renamed');
    expect((await imgapi(['client', 'delete', 'renamed'])).code).toBe(1);
  });

  test('key create --json → {id, apiKey}; unknown client → exit 1; missing --client → exit 2', async () => {
    const { stdout, code } = await imgapi(['key', 'create', '--client', 'acme', '--name', 'ci', '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed).sort()).toEqual(['apiKey', 'id']);
    expect((await imgapi(['key', 'create', '--client', 'nobody'])).code).toBe(1);
    expect((await imgapi(['key', 'create'])).code).toBe(2);
  });

  test('client secret prints the signing secret alone, and it signs URLs the server accepts', async () => {
    const { stdout, code } = await imgapi(['client', 'secret', 'acme']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    const secret = stdout.trim();
    const { apiKey } = JSON.parse((await imgapi(['key', 'create', '--client', 'acme', '--json'])).stdout);

    const server = await spawnServe(dataDir);
    try {
      const { url } = server;
      expect(server.output).not.toContain('First start'); // clients already exist: nothing is bootstrapped
      const form = new FormData();
      form.append('file', new File([await jpeg(80, 40)], 'cli.jpg'));
      const uploaded = await (await fetch(`${url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': apiKey }, body: form })).json();
      const rest = `w_40/${uploaded.id}.webp`;
      const delivered = await fetch(`${url}/t/acme/${signPath(secret, 'acme', rest)}/${rest}`);
      expect([delivered.status, delivered.headers.get('content-type')]).toEqual([200, 'image/webp']);
    } finally {
      await server.stop();
    }
  });

  test('user create --password-stdin; a short password or duplicate fails', async () => {
    const ok = await imgapi(['user', 'create', 'alice', '--password-stdin'], 'correct horse battery\n');
    expect([ok.code, ok.stdout.trim()]).toEqual([0, 'created user alice']);
    expect((await imgapi(['user', 'create', 'alice', '--password-stdin'], 'another password')).code).toBe(1);
    expect((await imgapi(['user', 'create', 'bob', '--password-stdin'], 'short')).code).toBe(1);
  });

  test('unknown command or flag → exit 2', async () => {
    expect((await imgapi(['frobnicate'])).code).toBe(2);
    expect((await imgapi(['client', 'create', 'x', '--nope'])).code).toBe(2);
  });
});

describe('serve on an empty data directory', () => {
  test('creates client default, an API key and user admin, printed once; port 0 prints the chosen port', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'imgapi-first-'));
    try {
      const first = await spawnServe(empty);
      expect(Number(/^http:\/\/127\.0\.0\.1:(\d+)$/.exec(first.url)![1])).toBeGreaterThan(0);
      expect(first.output).toContain('client:   default');
      const apiKey = /API key:\s+(isk_\S+)/.exec(first.output)![1]!;
      expect(first.output).toMatch(/user:\s+admin\n\s+password:\s+\S{12,}/);
      const listed = await fetch(`${first.url}/api/v1/images`, { headers: { 'x-api-key': apiKey } });
      expect(listed.status).toBe(200);
      // Graceful shutdown: SIGTERM stops the server and the process exits 0.
      expect(await first.stop()).toBe(0);
      const second = await spawnServe(empty);
      expect(second.output).not.toContain('API key');
      // A second daemon on a port in use fails loudly instead of sharing it.
      const port = /:(\d+)$/.exec(second.url)![1]!;
      const clash = await runCli(['serve', '--port', port, '--data', empty]);
      expect([clash.code, clash.stderr]).toEqual([1, expect.stringContaining('in use')]);
      await second.stop();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
