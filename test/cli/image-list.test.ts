import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** `image list --sort` and its filters, on a data directory and against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`imgapi image list in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const imgapi = (args: string[]) => runCli(args, { env });
    const names = async (args: string[]) => {
      const result = await imgapi(['image', 'list', ...args, '--json']);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 0]);
      return (JSON.parse(result.stdout).items as { originalName: string }[]).map((i) => i.originalName);
    };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-list-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        env = { HOME: home, IMGAPI_DATA: join(work, 'data') };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer();
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
      const files: [string, Uint8Array][] = [['b-wide.jpg', await jpeg(900, 300)], ['A-tall.png', await png(200, 600)], ['c-square.png', await png(400, 400)]];
      for (const [name, bytes] of files) {
        writeFileSync(join(work, name), bytes);
        expect((await imgapi(['upload', join(work, name)])).code).toBe(0);
      }
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('--sort orders, the filters narrow, together', async () => {
      expect(await names([])).toEqual(['c-square.png', 'A-tall.png', 'b-wide.jpg']);
      expect(await names(['--sort', 'name'])).toEqual(['A-tall.png', 'b-wide.jpg', 'c-square.png']);
      expect(await names(['--sort', 'width'])).toEqual(['b-wide.jpg', 'c-square.png', 'A-tall.png']);
      expect(await names(['--sort', 'oldest', '--format', 'png'])).toEqual(['A-tall.png', 'c-square.png']);
      expect(await names(['--orientation', 'portrait'])).toEqual(['A-tall.png']);
      expect(await names(['--min-width', '400', '--sort', 'name'])).toEqual(['b-wide.jpg', 'c-square.png']);
      expect(await names(['--from', '2000-01-01', '--to', '9999-12-31', '--sort', 'name', '--format', 'jpeg'])).toEqual(['b-wide.jpg']);
      expect(await names(['--to', '2000-01-01'])).toEqual([]);
    });

    test('bad values fail with a message naming the option, whichever mode checks them', async () => {
      for (const [option, value] of [['--sort', 'drop table'], ['--format', '../'], ['--min-width', '1e3'], ['--from', 'yesterday'], ['--orientation', 'round']]) {
        const result = await imgapi(['image', 'list', option!, value!]);
        const name = option!.replace('--', '').replace('min-width', 'minWidth');
        expect([option, result.code, result.stderr]).toEqual([option, 1, expect.stringContaining(name)]);
      }
      const backwards = await imgapi(['image', 'list', '--from', '2026-03-02', '--to', '2026-03-01']);
      expect([backwards.code, backwards.stderr]).toEqual([1, expect.stringContaining('must not be after')]);
    });
  });
}
