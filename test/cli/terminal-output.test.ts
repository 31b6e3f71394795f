import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg, png } from '../helpers/fixtures';
import { replay, runInTerminal, spawnInTerminal } from '../helpers/terminal';

/**
 * The commands as seen in a terminal window (a real pseudo-terminal, replayed into the screen
 * it shows): every result whole on its own line above the progress bar, the bar's last state
 * the true totals, and stdout sent to a file clean while the bar stays on the terminal.
 */
describe('CLI output on a terminal (local mode)', () => {
  let work: string;
  let env: Record<string, string>;
  const photos = () => join(work, 'photos');
  const names = ['photo-0.jpg', 'photo-1.jpg', 'photo-2.jpg', 'photo-3.jpg', 'photo-4.jpg', 'sub/Autumn.png', 'sub/Spring.png'];
  const ID = '[A-Za-z0-9_-]{22}';
  /** The one progress bar on screen, and the line below it. */
  const barOf = (screen: string[]) => {
    const bars = screen.filter((line) => / files, /.test(line));
    expect(bars).toHaveLength(1);
    return { bar: bars[0]!, below: screen[screen.indexOf(bars[0]!) + 1] };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'imgapi-terminal-'));
    env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
    expect((await runCli(['init', '--yes'], { env })).code).toBe(0);
    mkdirSync(join(photos(), 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(photos(), `photo-${i}.jpg`), await jpeg(64 + i, 48));
    writeFileSync(join(photos(), 'sub', 'Autumn.png'), await png(40, 30, { color: '#aa5500' }));
    writeFileSync(join(photos(), 'sub', 'Spring.png'), await png(30, 40));
    writeFileSync(join(photos(), 'notes.txt'), 'not an image');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('upload: results and the skipped file whole above the bar, which ends at 8/8 files', async () => {
    const { code, output } = await runInTerminal(['upload', photos(), '--folder', 'clients/acme', '--recursive'], { env, columns: 100 });
    expect(code).toBe(1);
    const screen = replay(output, 100);
    const results = screen.filter((line) => line.includes('clients/acme/') && !line.startsWith('skipped'));
    for (const line of results) expect(line).toMatch(new RegExp(`^${ID} {2}clients/acme/[\\w/-]+\\.(jpg|png)$`));
    expect(results.map((line) => line.slice(24).replace('clients/acme/', '')).sort()).toEqual(names);
    expect(screen.filter((line) => line.includes('notes.txt'))).toEqual([
      'skipped clients/acme/notes.txt: Not a supported image (JPEG, PNG, WebP, AVIF, HEIC, GIF, TIFF, SVG)',
    ]);
    const { bar, below } = barOf(screen);
    expect(bar).toMatch(/^━{20} 8\/8 files, .*, done in \d+\.\ds$/);
    expect(below).toBe('7 uploaded, 0 unchanged, 1 failed');
  }, 30_000);

  test('upload > file: only clean result lines in the file; the bar on a narrow terminal stays one line', async () => {
    const ids = join(work, 'ids.txt');
    const { code, output } = await runInTerminal(['upload', photos(), '--folder', 'clients/piped', '--recursive'], { env, columns: 50, stdoutTo: ids });
    expect(code).toBe(1);
    const lines = readFileSync(ids, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).toMatch(new RegExp(`^${ID}\tclients/piped/[\\w/-]+\\.(jpg|png)$`));
    expect(lines.map((line) => line.slice(23).replace('clients/piped/', '')).sort()).toEqual(names);

    const screen = replay(output, 50);
    expect(screen.some((line) => line.includes('photo-'))).toBe(false);
    expect(screen.some((line) => line.startsWith('skipped clients/piped/notes.txt: '))).toBe(true);
    const { bar, below } = barOf(screen);
    expect(bar).toStartWith('━━━━━━━━━━━━━━━━━━━━ 8/8 files, ');
    expect(bar.length).toBeLessThan(50);
    expect(below).toBe('7 uploaded, 0 unchanged, 1 failed');
  }, 30_000);

  test('sync: results whole above the bar, which ends at the true totals; > file stays clean', async () => {
    const shown = await runInTerminal(['sync', photos(), 'site'], { env, columns: 100 });
    expect(shown.code).toBe(1);
    const screen = replay(shown.output, 100);
    const results = screen.filter((line) => line.startsWith('upload'));
    expect(results.map((line) => line.replace(/^upload {2}/, '')).sort()).toEqual(names);
    expect(screen.filter((line) => line.includes('notes.txt'))).toEqual([
      'failed to upload notes.txt: Not a supported image (JPEG, PNG, WebP, AVIF, HEIC, GIF, TIFF, SVG)',
    ]);
    const { bar, below } = barOf(screen);
    expect(bar).toMatch(/^━{20} 8\/8 files, .*, done in \d+\.\ds$/);
    expect(below).toBe('done: 7 change(s), 1 failed');

    const file = join(work, 'actions.txt');
    const piped = await runInTerminal(['sync', photos(), 'site-piped'], { env, columns: 50, stdoutTo: file });
    expect(piped.code).toBe(1);
    expect(readFileSync(file, 'utf8').split('\n').sort()).toEqual(['', ...names.map((name) => `upload\t${name}`)]);
    const pipedScreen = replay(piped.output, 50);
    expect(pipedScreen.some((line) => line.startsWith('upload'))).toBe(false);
    expect(barOf(pipedScreen).bar).toStartWith('━━━━━━━━━━━━━━━━━━━━ 8/8 files, ');
  }, 30_000);

  test('watch: a file ingested while it runs shows as one whole line; > file stays clean', async () => {
    const dropbox = join(work, 'dropbox');
    mkdirSync(dropbox);
    const shown = spawnInTerminal(['watch', dropbox, 'dropbox'], { env, columns: 100 });
    await shown.waitFor(/watching/);
    writeFileSync(join(dropbox, 'new.jpg'), await jpeg(20, 20));
    await shown.waitFor(/dropbox\/new\.jpg/);
    shown.type('\x03');
    expect(await shown.exited()).toBe(0);
    const screen = replay(shown.output, 100);
    expect(screen.filter((line) => line.includes('new.jpg'))).toEqual([expect.stringMatching(new RegExp(`^uploaded {8}${ID} {2}dropbox/new\\.jpg$`))]);
    expect(screen.at(-1)).toEndWith('stopped');

    const file = join(work, 'watched.txt');
    const piped = spawnInTerminal(['watch', dropbox, 'elsewhere'], { env, columns: 100, stdoutTo: file });
    await piped.waitFor(/watching/);
    writeFileSync(join(dropbox, 'later.png'), await png(20, 20));
    for (const deadline = Date.now() + 15_000; !(existsSync(file) && readFileSync(file, 'utf8').includes('later.png')); await Bun.sleep(100)) {
      if (Date.now() > deadline) throw new Error(`later.png never ingested; the terminal got ${JSON.stringify(piped.output)}`);
    }
    piped.type('\x03');
    expect(await piped.exited()).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).toMatch(new RegExp(`^uploaded\t${ID}\telsewhere/\\w+\\.(jpg|png)$`));
    expect(lines.map((line) => line.split('\t')[2]).sort()).toEqual(['elsewhere/later.png', 'elsewhere/new.jpg']);
    expect(replay(piped.output, 100).some((line) => line.includes('later.png'))).toBe(false);
  }, 30_000);
});
