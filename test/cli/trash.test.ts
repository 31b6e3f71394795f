import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** `image delete` to the trash, `trash list`, `image restore`, `--permanent`: on a data directory and against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`imgapi trash in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    let dataDir: string;
    const imgapi = (args: string[]) => runCli(args, { env });
    const json = async (args: string[]) => {
      const result = await imgapi([...args, '--json']);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 0]);
      return JSON.parse(result.stdout);
    };
    const originals = (clientId: string, id: string) => {
      const dir = join(dataDir, 'originals', clientId, id);
      return existsSync(dir) ? readdirSync(dir) : [];
    };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-trash-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        dataDir = join(work, 'data');
        env = { HOME: home, IMGAPI_DATA: dataDir };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer();
        dataDir = server.dataDir;
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
      writeFileSync(join(work, 'keep.png'), await png(20, 20));
      writeFileSync(join(work, 'bin.png'), await png(30, 20));
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('delete moves to the trash (listed with its days left), restore brings it back, --permanent deletes for good', async () => {
      expect((await imgapi(['upload', join(work, 'bin.png'), '--folder', 'album/2026'])).code).toBe(0);
      const id: string = (await json(['image', 'list', '--folder', 'album/2026'])).items[0].id;
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const clientId = (await json(['image', 'get', id])).deliveryBase.split('/')[2];

      expect((await imgapi(['image', 'delete', id])).code).toBe(0);
      expect((await imgapi(['image', 'get', id])).code).not.toBe(0);
      const listed = await json(['trash', 'list']);
      expect(listed.total).toBe(1);
      expect(listed.items[0].image).toMatchObject({ id, folder: 'album/2026', originalName: 'bin.png' });
      const plain = await imgapi(['trash', 'list']);
      expect(plain.stdout.trim()).toBe(`${id}\talbum/2026/bin.png\ttrashed ${listed.items[0].trashedAt}\t30 days left`);
      expect(originals(clientId, id).length).toBeGreaterThan(0);

      const restored = await imgapi(['image', 'restore', id]);
      expect([restored.code, restored.stdout.trim()]).toEqual([0, `${id}\talbum/2026/bin.png\trestored`]);
      expect((await json(['image', 'get', id])).folder).toBe('album/2026');
      expect((await json(['trash', 'list'])).total).toBe(0);
      const again = await imgapi(['image', 'restore', id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('not in the trash');

      expect((await imgapi(['image', 'delete', id, '--permanent'])).code).toBe(0);
      expect(originals(clientId, id)).toEqual([]);
      expect((await json(['trash', 'list'])).total).toBe(0);
      const gone = await imgapi(['image', 'restore', id]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('not found');
    }, 90_000);

    test('bad input: a clear message, exit code 1', async () => {
      const page = await imgapi(['trash', 'list', '--page', '0']);
      expect(page.code).toBe(1);
      expect(page.stderr).toMatch(/page/);
      const unknown = await imgapi(['image', 'restore', 'nosuchimage']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('not found');
    }, 30_000);
  });
}
