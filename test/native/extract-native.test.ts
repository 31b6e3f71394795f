import { expect, test } from 'bun:test';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractAndLoad } from '../../src/native/extract-native';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-native-'));
  const addon = join(dir, 'addon.bin');
  const lib = join(dir, 'lib.bin');
  writeFileSync(addon, 'ADDON');
  writeFileSync(lib, 'LIBRARY'.repeat(1000));
  const files = [
    { embedded: addon, relative: 'node_modules/@img/sharp-linux-x64/lib/sharp.node' },
    { embedded: lib, relative: 'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8' },
  ];
  return { dir, files };
}

const readAddon = (dir: string) => readFileSync(join(dir, 'node_modules/@img/sharp-linux-x64/lib/sharp.node'), 'utf8');

test('extracts with the layout the RPATH expects, private modes, marker last; prunes other versions', async () => {
  const { dir, files } = fixture();
  const cache = join(dir, 'xdg');
  mkdirSync(join(cache, 'imgapi', 'sharp-old-version'), { recursive: true, mode: 0o700 });
  chmodSync(join(cache, 'imgapi'), 0o700);
  const env = { XDG_CACHE_HOME: cache, HOME: join(dir, 'home') };
  const loaded = await extractAndLoad('sharp-test-1', files, (extracted) => ({ extracted, addon: readAddon(extracted) }), env);
  expect(loaded.extracted).toBe(join(cache, 'imgapi', 'sharp-test-1'));
  expect(loaded.addon).toBe('ADDON');
  expect(existsSync(join(loaded.extracted, '.complete'))).toBe(true);
  expect(existsSync(join(cache, 'imgapi', 'sharp-old-version'))).toBe(false);
  expect(statSync(join(cache, 'imgapi')).mode & 0o077).toBe(0);
  // A second start finds the marker and loads without writing again.
  const again = await extractAndLoad('sharp-test-1', files, (extracted) => statSync(join(extracted, '.complete')).mtimeMs, env);
  expect(again).toBe(statSync(join(loaded.extracted, '.complete')).mtimeMs);
  rmSync(dir, { recursive: true, force: true });
});

test('a world-writable cache root is refused: falls back to ~/.cache', async () => {
  const { dir, files } = fixture();
  const shared = join(dir, 'shared');
  mkdirSync(join(shared, 'imgapi'), { recursive: true });
  chmodSync(join(shared, 'imgapi'), 0o777);
  const home = join(dir, 'home');
  const extracted = await extractAndLoad('sharp-test-2', files, (d) => d, { XDG_CACHE_HOME: shared, HOME: home });
  expect(extracted).toBe(join(home, '.cache', 'imgapi', 'sharp-test-2'));
  expect(existsSync(join(shared, 'imgapi', 'sharp-test-2'))).toBe(false);
  rmSync(dir, { recursive: true, force: true });
});

test('a root where loading fails (e.g. noexec) falls through to the next one', async () => {
  const { dir, files } = fixture();
  const env = { XDG_CACHE_HOME: join(dir, 'first'), HOME: join(dir, 'home') };
  const used = await extractAndLoad(
    'sharp-test-3',
    files,
    (d) => {
      if (d.startsWith(join(dir, 'first'))) throw new Error('failed to map segment from shared object');
      return d;
    },
    env,
  );
  expect(used).toBe(join(dir, 'home', '.cache', 'imgapi', 'sharp-test-3'));
  rmSync(dir, { recursive: true, force: true });
});
