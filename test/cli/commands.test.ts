import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { animation, decode, jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** The same scenarios, once on a data directory and once against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`CLI in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;

    const imgapi = (args: string[]) => runCli(args, { env });
    const json = async (args: string[]) => {
      const result = await imgapi([...args, '--json']);
      expect([args.join(' '), result.code, result.stderr]).toEqual([args.join(' '), 0, expect.any(String)]);
      return JSON.parse(result.stdout);
    };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-cli-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        env = { HOME: home, IMGAPI_DATA: join(work, 'data') };
        const init = await runCli(['init', '--yes', '--json'], { env });
        expect(init.code).toBe(0);
      } else {
        server = await startServer();
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
      // A little shoot: two photos, one in a sub-directory, a non-image and a dotfile.
      mkdirSync(join(work, 'shoot', 'day2'), { recursive: true });
      writeFileSync(join(work, 'shoot', 'a.jpg'), await jpeg(320, 200));
      writeFileSync(join(work, 'shoot', 'b.png'), await png(50, 50));
      writeFileSync(join(work, 'shoot', 'day2', 'c.jpg'), await jpeg(100, 300));
      writeFileSync(join(work, 'shoot', 'notes.txt'), 'not an image');
      writeFileSync(join(work, 'shoot', '.DS_Store'), 'junk');
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('upload: one line per image on stdout, non-images reported and skipped, exit 1; a re-run skips unchanged files', async () => {
      const first = await imgapi(['upload', join(work, 'shoot'), '--folder', 'clients/acme', '--recursive']);
      expect(first.code).toBe(1);
      const lines = first.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines.map((l) => l.split('\t')[1]).sort()).toEqual(['clients/acme/a.jpg', 'clients/acme/b.png', 'clients/acme/day2/c.jpg']);
      for (const line of lines) expect(line.split('\t')[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(first.stderr).toContain('notes.txt');
      expect(first.stderr).toContain('3 uploaded, 0 unchanged, 1 failed');

      const again = await imgapi(['upload', join(work, 'shoot'), '--folder', 'clients/acme', '--recursive', '--json']);
      const records = again.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(records.map((r) => r.status).sort()).toEqual(['failed', 'unchanged', 'unchanged', 'unchanged']);
      expect(again.stderr).toContain('0 uploaded, 3 unchanged, 1 failed');
      const listed = await json(['image', 'list', '--folder', 'clients/acme', '--recursive']);
      expect(listed.total).toBe(3);
    });

    test('upload of a single file without --recursive and into the root', async () => {
      const one = await imgapi(['upload', join(work, 'shoot', 'b.png')]);
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(/^[A-Za-z0-9_-]{22}\tb\.png\n$/);
      const flat = await imgapi(['upload', join(work, 'shoot'), '--folder', 'flat']);
      expect(flat.stdout.trim().split('\n').map((l) => l.split('\t')[1]).sort()).toEqual(['flat/a.jpg', 'flat/b.png']);
      expect((await imgapi(['upload', join(work, 'nope')])).code).toBe(2);
    });

    test('sign prints only the URL, which delivers; --preset too', async () => {
      const [image] = (await json(['image', 'list', '--folder', 'clients/acme', '--q', 'a.jpg'])).items;
      const signed = await imgapi(['sign', image.id, 'w_100,f_png']);
      expect(signed.code).toBe(0);
      expect(signed.stdout).toMatch(/^https?:\/\/\S+\/t\/\S+\/w_100,f_png\/\S+\.png\?v=1\n$/);
      if (server) {
        const delivered = await fetch(signed.stdout.trim());
        expect((await decode(await delivered.arrayBuffer())).width).toBe(100);
      }
      expect(await json(['preset', 'create', 'thumb', 'q_70,w_64,f_webp'])).toMatchObject({ name: 'thumb', params: 'w_64,f_webp,q_70' });
      const byPreset = await imgapi(['sign', image.id, '--preset', 'thumb']);
      expect(byPreset.stdout.trim()).toEndWith(`/preset:thumb/${image.id}.webp?v=1`);
      if (server) expect((await fetch(byPreset.stdout.trim())).status).toBe(200);
      expect((await imgapi(['sign', image.id, 'w_0'])).code).toBe(1);
      expect((await imgapi(['sign', 'AAAAAAAAAAAAAAAAAAAAAA'])).code).toBe(1);
    });

    test('preset list/delete', async () => {
      expect((await json(['preset', 'list'])).map((p: any) => p.name)).toEqual(['thumb']);
      expect((await imgapi(['preset', 'create', 'thumb', 'w_1'])).code).toBe(1);
      expect((await imgapi(['preset', 'delete', 'thumb'])).code).toBe(0);
      expect((await imgapi(['preset', 'delete', 'thumb'])).code).toBe(1);
      expect(await json(['preset', 'list'])).toEqual([]);
    });

    test('width-set preset: create --widths; sign --preset --html prints the <picture>, --srcset a srcset; a transform signed at --widths', async () => {
      const [image] = (await json(['image', 'list', '--folder', 'clients/acme', '--q', 'a.jpg'])).items; // 320×200
      const created = await json(['preset', 'create', 'card', 'w_320,h_160,c_fill', '--widths', '160, 80,320']);
      expect(created).toMatchObject({ name: 'card', params: 'w_320,h_160,c_fill', widths: [80, 160, 320] });
      expect((await imgapi(['preset', 'list'])).stdout).toContain('card\tw_320,h_160,c_fill\twidths 80,160,320');
      const bad = await imgapi(['preset', 'create', 'bad', 'w_100', '--widths', '10,20']);
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('16 to 8192')]);
      expect((await imgapi(['preset', 'create', 'bad', 'w_100', '--widths', '320,abc'])).code).toBe(2);

      const html = await imgapi(['sign', image.id, '--preset', 'card', '--html', '--sizes', '50vw']);
      expect(html.code).toBe(0);
      const picture = html.stdout.trim();
      expect(picture).toStartWith('<picture><source type="image/avif" srcset="');
      expect(picture).toContain('sizes="50vw"');
      expect(picture).toContain('width="320" height="160"');
      const avif = await imgapi(['sign', image.id, '--preset', 'card', '--srcset', '--format', 'avif']);
      const entries = avif.stdout.trim().split(', ').map((entry) => entry.split(' '));
      expect(entries.map(([url, d]) => [url!.replace(/.*\/preset:card\//, ''), d])).toEqual([
        [`w_80/${image.id}.avif?v=1`, '80w'],
        [`w_160/${image.id}.avif?v=1`, '160w'],
        [`w_320/${image.id}.avif?v=1`, '320w'],
      ]);
      if (server) {
        for (const [url, d] of entries) expect(`${(await decode(await (await fetch(url!)).arrayBuffer())).width}w`).toBe(d!);
      }
      expect((await imgapi(['sign', image.id, '--html'])).code).toBe(2);
      expect((await imgapi(['sign', image.id, 'w_200', '--widths', '100'])).code).toBe(2); // --widths without --srcset
      expect((await imgapi(['sign', image.id, 'w_200', '--sizes', '50vw'])).code).toBe(2); // --sizes without --html

      const signed = await imgapi(['sign', image.id, 'w_200,f_webp', '--widths', '100,50', '--srcset']);
      const signedEntries = signed.stdout.trim().split(', ').map((entry) => entry.split(' '));
      expect(signedEntries.map(([url, d]) => [/\/w_(\d+),f_webp\//.exec(url!)?.[1], d])).toEqual([['50', '50w'], ['100', '100w']]);
      if (server) expect((await decode(await (await fetch(signedEntries[0]![0]!)).arrayBuffer())).width).toBe(50);
      expect((await imgapi(['preset', 'delete', 'card'])).code).toBe(0);
    });

    test('eager preset: create --eager --formats; preset warm computes its variants of a folder, so they are hits', async () => {
      const created = await json(['preset', 'create', 'tiny', 'w_48', '--eager', '--formats', 'jpeg,webp']);
      expect(created).toMatchObject({ name: 'tiny', eager: true, formats: ['jpeg', 'webp'] });
      expect((await imgapi(['preset', 'list'])).stdout).toContain('tiny\tw_48\teager jpeg,webp');
      expect((await imgapi(['preset', 'create', 'bad', 'w_48,f_png', '--formats', 'jpeg'])).code).toBe(1);
      const warmed = await json(['preset', 'warm', 'tiny', '--folder', 'clients/acme']);
      expect(warmed).toEqual({ name: 'tiny', images: 3, variants: 6, ready: 6, failed: 0 });
      const plain = await imgapi(['preset', 'warm', 'tiny', '--folder', 'clients/acme/day2']);
      expect([plain.code, plain.stdout]).toEqual([0, 'warmed tiny: 2 variants of 1 images\n']);
      expect((await imgapi(['preset', 'warm', 'nope'])).code).toBe(1);
      // Local mode computed them into the data directory's cache: a server started on it hits.
      const reader = server ?? (await startServer({}, { dataDir: env.IMGAPI_DATA!, clientId: 'reader' }));
      try {
        const listed = await json(['image', 'list', '--folder', 'clients/acme', '--recursive']);
        for (const image of listed.items) {
          for (const ext of ['jpg', 'webp']) {
            const response = await fetch(`${reader.url}${image.deliveryBase}/preset:tiny/${image.id}.${ext}`);
            await response.arrayBuffer();
            expect([image.originalName, ext, response.headers.get('x-cache')]).toEqual([image.originalName, ext, 'HIT']);
          }
        }
      } finally {
        if (!server) await reader.stop({ keepData: true });
      }
      expect((await imgapi(['preset', 'delete', 'tiny'])).code).toBe(0);
    });

    test('folder create/list/rename/delete by path', async () => {
      expect(await json(['folder', 'create', 'tmp/x/y'])).toMatchObject({ path: 'tmp/x/y' });
      const plain = await imgapi(['folder', 'list']);
      expect(plain.stdout).toContain('clients/acme/day2\t1');
      expect(plain.stdout).toContain('tmp/x/y\t0');
      expect(await json(['folder', 'rename', 'tmp/x', 'z'])).toMatchObject({ path: 'tmp/z' });
      expect((await imgapi(['folder', 'rename', 'tmp/nope', 'z'])).code).toBe(1);
      expect((await imgapi(['folder', 'delete', 'tmp'])).code).toBe(0);
      const tree = await json(['folder', 'list']);
      expect(tree.map((f: any) => f.name)).not.toContain('tmp');
    });

    test('image get/delete', async () => {
      const [image] = (await json(['image', 'list', '--folder', 'flat'])).items;
      expect(await json(['image', 'get', image.id])).toMatchObject({ id: image.id, folder: 'flat' });
      expect((await imgapi(['image', 'delete', image.id])).code).toBe(0);
      expect((await imgapi(['image', 'get', image.id])).code).toBe(1);
    });

    test('key create/list/revoke', async () => {
      const created = await json(['key', 'create', '--name', 'ci']);
      expect(Object.keys(created).sort()).toEqual(['apiKey', 'id']);
      const keys = await json(['key', 'list']);
      expect(keys.map((k: any) => k.name)).toContain('ci');
      expect(JSON.stringify(keys)).not.toContain(created.apiKey);
      expect((await imgapi(['key', 'revoke', created.id])).code).toBe(0);
      expect((await json(['key', 'list'])).map((k: any) => k.id)).not.toContain(created.id);
    });

    test('sync: uploads new, replaces changed in place, --delete removes gone, --dry-run changes nothing, idempotent', async () => {
      const dir = join(work, 'site');
      mkdirSync(join(dir, 'sub'), { recursive: true });
      writeFileSync(join(dir, 'one.jpg'), await jpeg(40, 40, { color: '#ff0000' }));
      writeFileSync(join(dir, 'sub', 'two.png'), await png(20, 20));
      writeFileSync(join(dir, 'three.png'), await png(30, 30));

      const first = await imgapi(['sync', dir, 'site']);
      expect(first.code).toBe(0);
      expect(first.stdout.trim().split('\n').sort()).toEqual(['upload\tone.jpg', 'upload\tsub/two.png', 'upload\tthree.png']);
      const before = (await json(['image', 'list', '--folder', 'site', '--q', 'one.jpg'])).items[0];

      expect((await imgapi(['sync', dir, 'site'])).stdout).toBe('');

      writeFileSync(join(dir, 'one.jpg'), await jpeg(40, 40, { color: '#0000ff' }));
      rmSync(join(dir, 'three.png'));
      const dry = await imgapi(['sync', dir, 'site', '--delete', '--dry-run']);
      expect(dry.stdout.trim().split('\n').sort()).toEqual(['delete\tthree.png', 'replace\tone.jpg']);
      expect((await json(['image', 'list', '--folder', 'site', '--recursive'])).total).toBe(3);

      const withoutDelete = await imgapi(['sync', dir, 'site']);
      expect(withoutDelete.stdout).toBe('replace\tone.jpg\n');
      const after = await json(['image', 'get', before.id]);
      expect([after.id, after.version]).toEqual([before.id, 2]);
      expect((await json(['image', 'list', '--folder', 'site', '--recursive'])).total).toBe(3);

      const withDelete = await json(['sync', dir, 'site', '--delete']);
      expect(withDelete).toMatchObject({ action: 'delete', path: 'three.png' });
      expect((await json(['image', 'list', '--folder', 'site', '--recursive'])).total).toBe(2);
      expect((await imgapi(['sync', dir, 'site', '--delete'])).stdout).toBe('');
    });

    test('sync of a HEIC, an animated GIF and an SVG: formats from the bytes, a second sync changes nothing', async () => {
      const dir = join(work, 'formats');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'IMG_0001.HEIC'), readFileSync(join(import.meta.dir, '../fixtures/heic/exif6.heic')));
      writeFileSync(join(dir, 'spin.gif'), await animation(30, 20, 4));
      writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10" onload="alert(1)"><rect width="40" height="10"/></svg>');
      const first = await imgapi(['sync', dir, 'formats']);
      expect([first.code, first.stdout.trim().split('\n').sort()]).toEqual([0, ['upload\tIMG_0001.HEIC', 'upload\tlogo.svg', 'upload\tspin.gif']]);
      const listed = (await json(['image', 'list', '--folder', 'formats'])).items;
      expect(Object.fromEntries(listed.map((i: any) => [i.originalName, [i.format, i.frames, i.width, i.height]]))).toEqual({
        'IMG_0001.HEIC': ['heic', 1, 48, 64],
        'spin.gif': ['gif', 4, 30, 20],
        'logo.svg': ['svg', 1, 40, 10],
      });
      // The SVG is stored sanitized, yet its content hash is that of the file, so sync sees it unchanged.
      expect((await imgapi(['sync', dir, 'formats'])).stdout).toBe('');
    });

    test('usage errors exit 2; --help shows an example', async () => {
      expect((await imgapi(['upload'])).code).toBe(2);
      expect((await imgapi(['sync', join(work, 'missing-dir'), 'x'])).code).toBe(2);
      const help = await imgapi(['sync', '--help']);
      expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('Example:')]);
    });
  });
}

describe('local-only commands and mode selection', () => {
  test('init --yes then again: the second run changes nothing', async () => {
    const data = mkdtempSync(join(tmpdir(), 'imgapi-init-'));
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    const first = await runCli(['init', '--yes', '--json'], { env });
    const parsed = JSON.parse(first.stdout);
    expect(parsed).toMatchObject({ username: 'admin', clientId: 'default' });
    expect(parsed.apiKey).toMatch(/^isk_/);
    expect(parsed.password.length).toBeGreaterThanOrEqual(16);
    const second = await runCli(['init', '--yes'], { env });
    expect([second.code, second.stderr]).toEqual([0, expect.stringContaining('already set up')]);
    expect((await runCli(['init'], { env })).code).toBe(2); // no terminal to ask questions
    rmSync(data, { recursive: true, force: true });
  });

  test('login saves a 0600 profile that remote commands then use; a bad key is refused', async () => {
    const server = await startServer();
    const home = isolatedHome();
    try {
      const bad = await runCli(['login', '--url', server.url, '--key', 'isk_wrong'], { env: { HOME: home } });
      expect(bad.code).toBe(1);
      const ok = await runCli(['login', '--url', server.url, '--key', server.apiKey], { env: { HOME: home } });
      expect(ok.code).toBe(0);
      const profile = join(home, '.config', 'imgapi', 'profile.json');
      expect(statSync(profile).mode & 0o777).toBe(0o600);
      const listed = await runCli(['folder', 'create', 'via-profile', '--json'], { env: { HOME: home } });
      expect(JSON.parse(listed.stdout).path).toBe('via-profile');
      expect((await server.api('GET', '/folders')).json.folders.map((f: any) => f.name)).toContain('via-profile');
      expect((await runCli(['logout'], { env: { HOME: home } })).code).toBe(0);
    } finally {
      await server.stop();
    }
  });

  test('remote mode without a key, local-only commands against a server → exit 2', async () => {
    const env = { HOME: isolatedHome(), IMGAPI_URL: 'http://127.0.0.1:9' };
    expect((await runCli(['image', 'list'], { env })).code).toBe(2);
    expect((await runCli(['client', 'list'], { env })).code).toBe(2);
    const unreachable = await runCli(['image', 'list', '--key', 'isk_x'], { env });
    expect([unreachable.code, unreachable.stderr]).toEqual([1, expect.stringContaining('Cannot reach')]);
  });

  test('local mode picks --client; several clients without --client → exit 2', async () => {
    const data = mkdtempSync(join(tmpdir(), 'imgapi-clients-'));
    const env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    await runCli(['client', 'create', 'One', '--id', 'one'], { env });
    expect((await runCli(['folder', 'create', 'only-one'], { env })).code).toBe(0);
    await runCli(['client', 'create', 'Two', '--id', 'two'], { env });
    expect((await runCli(['folder', 'list'], { env })).code).toBe(2);
    const two = await runCli(['folder', 'list', '--client', 'two', '--json'], { env });
    expect(JSON.parse(two.stdout)).toEqual([]);
    const one = await runCli(['folder', 'list', '--client', 'one', '--json'], { env });
    expect(JSON.parse(one.stdout).map((f: any) => f.name)).toEqual(['only-one']);
    rmSync(data, { recursive: true, force: true });
  });
});
