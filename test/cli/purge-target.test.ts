import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { startServer, type TestServer } from '../helpers/server';

for (const mode of ['local', 'remote'] as const) {
  describe(`purge-target in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const imgapi = (args: string[]) => runCli(args, { env });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-purge-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        env = { HOME: home, IMGAPI_DATA: join(work, 'data') };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer();
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('add, list (token masked), delete', async () => {
      const added = await imgapi(['purge-target', 'add', 'cloudflare', '--zone', 'Z1', '--token', 'cf-token-abcd', '--json']);
      expect([added.code, added.stderr]).toEqual([0, '']);
      const target = JSON.parse(added.stdout);
      expect(target).toMatchObject({ kind: 'cloudflare', zoneId: 'Z1', secretHint: '••••abcd' });
      expect((await imgapi(['purge-target', 'add', 'http', '--endpoint', 'https://example.com/purge'])).code).toBe(0);

      const list = await imgapi(['purge-target', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain(`${target.id}\tcloudflare\tZ1\t\t••••abcd`);
      expect(list.stdout).toContain('\thttp\thttps://example.com/purge');
      expect(list.stdout).not.toContain('cf-token-abcd');

      const deleted = await imgapi(['purge-target', 'delete', target.id]);
      expect([deleted.code, deleted.stdout.trim()]).toEqual([0, `deleted ${target.id}`]);
      expect((await imgapi(['purge-target', 'delete', target.id])).code).toBe(1);
      expect(JSON.parse((await imgapi(['purge-target', 'list', '--json'])).stdout).map((t: { kind: string }) => t.kind)).toEqual(['http']);
    });

    test('a missing flag or an unknown kind is a usage error (exit 2)', async () => {
      const noToken = await imgapi(['purge-target', 'add', 'cloudflare', '--zone', 'Z']);
      expect(noToken.code).toBe(2);
      expect(noToken.stderr).toContain('--token');
      expect((await imgapi(['purge-target', 'add', 'akamai'])).code).toBe(2);
    });
  });
}
