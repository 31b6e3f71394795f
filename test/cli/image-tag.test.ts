import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../../cli/csv';
import { cliTarget, runCli } from '../helpers/cli';
import { jpeg, png } from '../helpers/fixtures';
import type { TestServer } from '../helpers/server';

/** `imgapi image tag` and `imgapi export --csv`: the same answers on a data directory and against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`tags from the CLI in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const ids: Record<string, string> = {};
    const imgapi = (args: string[], stdin?: string) => runCli(args, { env, stdin });
    const tagsOf = async (id: string) => JSON.parse((await imgapi(['image', 'get', id, '--json'])).stdout) as { tags: string[]; alt: string };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-tag-${mode}-`));
      ({ env, server } = await cliTarget(mode, work));
      // Names a spreadsheet must quote: a comma, a double quote.
      writeFileSync(join(work, 'shoe, red.jpg'), await jpeg(64, 48));
      writeFileSync(join(work, 'say "hi".png'), await png(30, 20));
      writeFileSync(join(work, 'hat.jpg'), await jpeg(20, 20));
      for (const [file, folder] of [['shoe, red.jpg', 'shop/shoes'], ['say "hi".png', 'shop'], ['hat.jpg', 'misc']] as const) {
        const uploaded = await imgapi(['upload', join(work, file), '--folder', folder]);
        expect(uploaded.code).toBe(0);
        ids[file] = uploaded.stdout.split('\t')[0]!;
      }
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('--add, --remove and --set change the tags (normalized); --alt sets the alt text; --json is the image object', async () => {
      const id = ids['shoe, red.jpg']!;
      const added = await imgapi(['image', 'tag', id, '--add', ' Red , Summer  Sale,red,,draft']);
      expect([added.code, added.stderr, added.stdout]).toEqual([0, '', `${id}\tred, summer sale, draft\n`]);
      const removed = await imgapi(['image', 'tag', id, '--remove', 'DRAFT,absent', '--add', 'leather', '--json']);
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout)).toMatchObject({ id, tags: ['red', 'summer sale', 'leather'] });
      const set = await imgapi(['image', 'tag', id, '--set', 'shoe,red', '--alt', 'A red shoe, "classic"']);
      expect(set.stdout).toBe(`${id}\tshoe, red\n`);
      expect(await tagsOf(id)).toMatchObject({ tags: ['shoe', 'red'], alt: 'A red shoe, "classic"' });
      const cleared = await imgapi(['image', 'tag', ids['hat.jpg']!, '--set', '']);
      expect(cleared.stdout).toBe(`${ids['hat.jpg']}\t(no tags)\n`);
    });

    test('bad calls: usage errors exit 2, refused tags and unknown ids exit 1 with the reason, nothing changed', async () => {
      const id = ids['shoe, red.jpg']!;
      const before = await tagsOf(id);
      for (const args of [['image', 'tag', id], ['image', 'tag', '--add', 'x'], ['image', 'tag', id, '--csv', 'x.csv']]) {
        const result = await imgapi(args);
        expect({ args, code: result.code }).toEqual({ args, code: 2 });
        expect(result.stderr).not.toBe('');
      }
      const tooLong = await imgapi(['image', 'tag', id, '--add', 'x'.repeat(65)]);
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr).toContain('longer than 64');
      const tooMany = await imgapi(['image', 'tag', id, '--add', Array.from({ length: 49 }, (_, n) => `t${n}`).join(',')]);
      expect(tooMany.code).toBe(1);
      expect(tooMany.stderr).toContain('at most 50 tags');
      const unknown = await imgapi(['image', 'tag', 'noSuchImage', '--add', 'x']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/not found/i);
      expect(await tagsOf(id)).toEqual(before);
    });

    test('export --csv: a header and one RFC 4180 record per image (quotes where needed, tags joined by ;); --folder and --tag narrow it, as --tag does image list', async () => {
      await imgapi(['image', 'tag', ids['say "hi".png']!, '--set', 'greeting', '--alt', 'Line one\nline two']);
      const all = await imgapi(['export', '--csv']);
      expect([all.code, all.stderr]).toEqual([0, '']);
      expect(all.stdout.startsWith('id,folder,originalName,format,width,height,bytes,tags,alt,createdAt\r\n')).toBe(true);
      expect(all.stdout).toContain(`${ids['shoe, red.jpg']},shop/shoes,"shoe, red.jpg",jpeg,64,48,`);
      expect(all.stdout).toContain(`,shoe;red,"A red shoe, ""classic""",`);
      expect(all.stdout).toContain(`${ids['say "hi".png']},shop,"say ""hi"".png",png,30,20,`);
      const records = parseCsv(all.stdout);
      expect(records.length).toBe(4);
      const byId = new Map(records.slice(1).map((r) => [r[0], r]));
      expect(byId.get(ids['say "hi".png'])!.slice(7, 9)).toEqual(['greeting', 'Line one\nline two']);
      const shoe = byId.get(ids['shoe, red.jpg'])!;
      expect(shoe.slice(1, 9)).toEqual(['shop/shoes', 'shoe, red.jpg', 'jpeg', '64', '48', shoe[6]!, 'shoe;red', 'A red shoe, "classic"']);
      expect(Number(shoe[6])).toBeGreaterThan(0);
      expect(new Date(shoe[9]!).toISOString()).toBe(shoe[9]!);

      const shop = parseCsv((await imgapi(['export', '--csv', '--folder', 'shop'])).stdout);
      expect(shop.slice(1).map((r) => r[0])).toEqual([ids['say "hi".png']]);
      const below = parseCsv((await imgapi(['export', '--csv', '--folder', 'shop', '--recursive'])).stdout);
      expect(below.slice(1).map((r) => r[0]).sort()).toEqual([ids['say "hi".png'], ids['shoe, red.jpg']].sort());
      const tagged = parseCsv((await imgapi(['export', '--csv', '--tag', 'Greeting'])).stdout);
      expect(tagged.slice(1).map((r) => r[0])).toEqual([ids['say "hi".png']]);
      const listed = await imgapi(['image', 'list', '--tag', 'red', '--q', 'classic']);
      expect(listed.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual([ids['shoe, red.jpg']]);
      expect((await imgapi(['export'])).code).toBe(2);
    });

    test('export --csv keeps a formula-like alt text as text for spreadsheets (a leading apostrophe), and it comes back unchanged', async () => {
      const id = ids['hat.jpg']!;
      const before = await tagsOf(id);
      await imgapi(['image', 'tag', id, '--alt', '=HYPERLINK("http://evil.example","x")']);
      const exported = await imgapi(['export', '--csv']);
      expect(exported.stdout).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
      const row = parseCsv(exported.stdout).find((r) => r[0] === id)!;
      expect(row[8]).toBe('=HYPERLINK("http://evil.example","x")');
      const file = join(work, 'formula.csv');
      writeFileSync(file, exported.stdout);
      expect((await imgapi(['image', 'tag', '--csv', file])).code).toBe(0);
      expect((await tagsOf(id)).alt).toBe('=HYPERLINK("http://evil.example","x")');
      await imgapi(['image', 'tag', id, '--alt', before.alt]);
    });

    test('image tag --csv: an edited export goes back in; each bad row is reported with its row number, the others applied, exit 1', async () => {
      const exported = await imgapi(['export', '--csv']);
      const records = parseCsv(exported.stdout);
      const edited = records.map((r, n) => (n === 0 ? r : [...r.slice(0, 7), `${r[7]};Imported`, `${r[8]} (checked)`, r[9]!]));
      const file = join(work, 'edited.csv');
      writeFileSync(file, edited.map((r) => r.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')).join('\r\n') + '\r\n');
      const applied = await imgapi(['image', 'tag', '--csv', file]);
      expect([applied.code, applied.stderr]).toEqual([0, '3 updated, 0 failed\n']);
      expect(await tagsOf(ids['shoe, red.jpg']!)).toMatchObject({ tags: ['shoe', 'red', 'imported'], alt: 'A red shoe, "classic" (checked)' });
      expect(await tagsOf(ids['hat.jpg']!)).toMatchObject({ tags: ['imported'], alt: ' (checked)' });

      // From stdin, columns in any order, only tags; rows 3, 4, 5 and 6 fail on their own.
      const csv = [
        'tags,id',
        `"new;Tags",${ids['hat.jpg']}`,
        'x,noSuchImage',
        `${'y'.repeat(65)},${ids['shoe, red.jpg']}`,
        `only-one-field`,
        `tag,`,
        '',
        `kept,${ids['say "hi".png']}`,
      ].join('\n');
      const mixed = await imgapi(['image', 'tag', '--csv', '-'], csv);
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toBe('2 updated, 4 failed\n');
      const lines = mixed.stdout.trim().split('\n');
      expect(lines.slice(0, 2)).toEqual([`updated ${ids['hat.jpg']}`, `updated ${ids['say "hi".png']}`]);
      expect(lines[2]).toMatch(/^failed row 3 \(noSuchImage\): .*not found/i);
      expect(lines[3]).toMatch(new RegExp(`^failed row 4 \\(${ids['shoe, red.jpg']}\\): .*longer than 64`));
      expect(lines[4]).toBe('failed row 5: has 1 fields; the header has 2');
      expect(lines[5]).toBe('failed row 6: has no id');
      expect(await tagsOf(ids['hat.jpg']!)).toMatchObject({ tags: ['new', 'tags'], alt: ' (checked)' });
      expect((await tagsOf(ids['shoe, red.jpg']!)).tags).toEqual(['shoe', 'red', 'imported']);

      const json = await imgapi(['image', 'tag', '--csv', '-', '--json'], `id,alt\nnoSuchImage,x\n`);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ updated: [], failed: [{ row: 2, id: 'noSuchImage' }] });
      const noHeader = await imgapi(['image', 'tag', '--csv', '-'], `${ids['hat.jpg']},a\n`);
      expect(noHeader.code).toBe(2);
      expect(noHeader.stderr).toContain('first row must name the columns');
      const unterminated = await imgapi(['image', 'tag', '--csv', '-'], `id,tags\n${ids['hat.jpg']},"open`);
      expect(unterminated.code).toBe(1);
      expect(unterminated.stderr).toContain('closing " is missing');
    });
  });
}
