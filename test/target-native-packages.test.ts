import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAgainstProjectLock } from '../scripts/target-native-packages';

const dir = mkdtempSync(join(tmpdir(), 'imgapi-target-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME = '@img/sharp-libvips-linux-arm64';
const PINNED = 'sha512-pinned';

function lock(path: string, entry: { version: string; integrity: string } | null) {
  writeFileSync(path, JSON.stringify({ lockfileVersion: 3, packages: entry ? { [`node_modules/${NAME}`]: entry } : {} }));
}

function scratch(entry: { version: string; integrity: string } | null, installed = true) {
  const at = mkdtempSync(join(dir, 'scratch-'));
  lock(join(at, 'package-lock.json'), entry);
  if (installed) {
    mkdirSync(join(at, 'node_modules', NAME), { recursive: true });
    writeFileSync(join(at, 'node_modules', NAME, 'package.json'), '{}');
  }
  return at;
}

const project = join(dir, 'package-lock.json');
lock(project, { version: '1.3.4', integrity: PINNED });

test('a scratch install with the version and integrity package-lock.json pins is accepted', () => {
  expect(() => checkAgainstProjectLock(project, scratch({ version: '1.3.4', integrity: PINNED }), { [NAME]: '1.3.4' })).not.toThrow();
});

test.each([
  ['other bytes under the pinned version', scratch({ version: '1.3.4', integrity: 'sha512-other' }), '1.3.4', 'package-lock.json pins sha512-pinned'],
  ['a version the project lock does not pin', scratch({ version: '1.3.5', integrity: PINNED }), '1.3.5', 'package-lock.json pins @img/sharp-libvips-linux-arm64 at 1.3.4, the build needs 1.3.5'],
  ['npm skipping the package (an optional dependency that failed)', scratch(null, false), '1.3.4', 'npm did not install @img/sharp-libvips-linux-arm64@1.3.4'],
])('%s stops the build', (_what, at, version, message) => {
  expect(() => checkAgainstProjectLock(project, at, { [NAME]: version })).toThrow(message);
});
