import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

for (const mode of ['local', 'remote'] as const) {
  describe(`image move / delete in bulk, ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const imgapi = (args: string[]) => runCli(args, { env });
    const idsIn = async (folder: string) => {
      const listed = await imgapi(['image', 'list', '--folder', folder, '--json']);
      return (JSON.parse(listed.stdout).items as { id: string }[]).map((i) => i.id).sort();
    };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-bulk-cli-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        env = { HOME: home, IMGAPI_DATA: join(work, 'data') };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer();
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
      mkdirSync(join(work, 'shots', 'sub'), { recursive: true });
      for (const [i, name] of ['a.png', 'b.png', 'c.png', 'sub/d.png'].entries()) writeFileSync(join(work, 'shots', name), await png(10 + i, 10));
      expect((await imgapi(['upload', join(work, 'shots'), '--folder', 'inbox', '--recursive'])).code).toBe(0);
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('move several ids: one line per id, an unknown id fails on its own (exit 1), the others move', async () => {
      const [a, b] = await idsIn('inbox');
      const moved = await imgapi(['image', 'move', a!, 'no-such-id', b!, '--to', 'archive/2026']);
      expect(moved.code).toBe(1);
      expect(moved.stdout.trim().split('\n')).toEqual([`moved ${a}`, 'failed no-such-id: Image not found', `moved ${b}`]);
      expect(moved.stderr).toContain('2 moved, 1 failed');
      expect(await idsIn('archive/2026')).toEqual([a!, b!].sort());
    });

    test('--folder selects every image of a folder (--recursive: and below); --json gives the results', async () => {
      const inbox = await idsIn('inbox');
      const below = await idsIn('inbox/sub');
      const result = await imgapi(['image', 'move', '--folder', 'inbox', '--recursive', '--to', 'done', '--json']);
      expect(result.code).toBe(0);
      const { results } = JSON.parse(result.stdout);
      expect(results.map((r: any) => r.id).sort()).toEqual([...inbox, ...below].sort());
      expect(results.every((r: any) => r.ok)).toBe(true);
      expect(await idsIn('done')).toEqual([...inbox, ...below].sort());
    });

    test('delete several ids and a whole folder', async () => {
      const [first, ...rest] = await idsIn('archive/2026');
      const one = await imgapi(['image', 'delete', first!]);
      expect([one.code, one.stdout.trim()]).toEqual([0, `deleted ${first}`]);
      const folder = await imgapi(['image', 'delete', '--folder', 'done', '--json']);
      expect(folder.code).toBe(0);
      expect(JSON.parse(folder.stdout).results).toHaveLength(2);
      expect(await idsIn('done')).toEqual([]);
      expect(await idsIn('archive/2026')).toEqual(rest);
      const empty = await imgapi(['image', 'delete', '--folder', 'done']);
      expect([empty.code, empty.stderr.trim()]).toEqual([0, 'No images in done']);
    });

    test('usage errors: nothing named, no --to, a bad folder (exit 2 or a clear 400)', async () => {
      expect((await imgapi(['image', 'delete'])).code).toBe(2);
      expect((await imgapi(['image', 'move', 'x', '--recursive', '--to', 'a'])).code).toBe(2);
      const noTo = await imgapi(['image', 'move', 'x']);
      expect(noTo.code).not.toBe(0);
      expect(noTo.stderr).toContain('--to');
      const [id] = await idsIn('archive/2026');
      const bad = await imgapi(['image', 'move', id!, '--to', '../x']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('Folder name ".." is not allowed');
      expect(await idsIn('archive/2026')).toEqual([id!]);
    });
  });
}
