import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { halves, pixel } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** `imgapi image focus`: the same answers on a data directory and against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`image focus in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    let id: string;
    const imgapi = (args: string[]) => runCli(args, { env });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-focus-${mode}-`));
      if (mode === 'local') {
        env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer();
        env = { HOME: isolatedHome(), IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
      // Red on the left half, blue on the right.
      writeFileSync(join(work, 'halves.png'), await halves(400, 200));
      const uploaded = await imgapi(['upload', join(work, 'halves.png')]);
      expect(uploaded.code).toBe(0);
      id = uploaded.stdout.split('\t')[0]!;
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('sets the point and prints the image with it; --json is the image object; get shows it', async () => {
      const set = await imgapi(['image', 'focus', id, '0.1', '0.75']);
      expect([set.code, set.stderr]).toEqual([0, '']);
      expect(set.stdout).toBe(`${id}\thalves.png\t400x200\tpng\t${set.stdout.split('\t')[4]}\tfocal point 0.1,0.75\n`);
      const json = await imgapi(['image', 'focus', id, '0.05', '0.5', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ id, version: 1, focalPoint: { x: 0.05, y: 0.5 } });
      const got = await imgapi(['image', 'get', id, '--json']);
      expect(JSON.parse(got.stdout).focalPoint).toEqual({ x: 0.05, y: 0.5 });
      if (server) {
        // A cover crop now keeps the red left edge, where a centred one would be split.
        const url = (await imgapi(['sign', id, 'w_100,h_200,c_fill,f_png'])).stdout.trim();
        const crop = new Uint8Array(await (await fetch(url)).arrayBuffer());
        expect((await pixel(crop, 50, 100)).slice(0, 3)).toEqual([255, 0, 0]);
      }
    });

    test('--clear removes it', async () => {
      const cleared = await imgapi(['image', 'focus', id, '--clear']);
      expect(cleared.code).toBe(0);
      expect(cleared.stdout).toEndWith('\tno focal point\n');
      expect(JSON.parse((await imgapi(['image', 'get', id, '--json'])).stdout).focalPoint).toBeNull();
    });

    test('a point that is not two fractions is a usage error (exit 2) and changes nothing; an unknown image exits 1', async () => {
      await imgapi(['image', 'focus', id, '0.5', '0.5']);
      for (const args of [['1.5', '0.5'], ['0.5', '-0.1'], ['abc', '0.5'], ['NaN', '0.5'], ['', '0.5'], ['0.5'], [], ['0.5', '0.5', '--clear']]) {
        const refused = await imgapi(['image', 'focus', id, ...args]);
        expect([args.join(' '), refused.code, refused.stdout]).toEqual([args.join(' '), 2, '']);
        expect(refused.stderr).toStartWith('imgapi: ');
      }
      expect(JSON.parse((await imgapi(['image', 'get', id, '--json'])).stdout).focalPoint).toEqual({ x: 0.5, y: 0.5 });
      const unknown = await imgapi(['image', 'focus', 'AAAAAAAAAAAAAAAAAAAAAA', '0.5', '0.5']);
      expect([unknown.code, unknown.stderr]).toEqual([1, 'imgapi: Image not found\n']);
    });
  });
}
