import { expect, test } from 'bun:test';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..');

test('npm run build makes one executable that works alone in an empty directory', async () => {
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts'], { cwd: ROOT });
  expect([build.exitCode, build.stderr.toString()]).toEqual([0, expect.stringContaining('built dist/imgapi')]);
  const smoke = Bun.spawnSync([process.execPath, 'scripts/smoke-binary.ts', 'dist/imgapi'], { cwd: ROOT });
  expect([smoke.exitCode, smoke.stderr.toString()]).toEqual([0, '']);
  const figures = JSON.parse(smoke.stdout.toString());
  expect(figures.avif).toEqual(['heif', 300, 225]);
  expect(figures.inputs).toEqual({ heic: ['webp', 16, 1], gif: ['webp', 16, 2], svg: ['webp', 16, 1] });
  expect(figures.version).toMatch(/^imgapi \d+\.\d+\.\d+ \(sharp [\d.]+, libvips [\d.]+\)$/);
}, 120_000);
