import { expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { elfMachine } from '../scripts/build-targets';

const ROOT = join(import.meta.dir, '..');

// On x64 the executable runs under qemu (scripts/emulator.ts): without it the smoke run fails
// naming the apt packages to install (.ci/run installs them), as the PostgreSQL and Chromium tests
// fail without theirs. Never skipped. On an arm64 machine it runs natively.
test('npm run build -- --target linux-arm64 makes an arm64 executable that serves an upload as AVIF', async () => {
  const build = Bun.spawnSync([process.execPath, 'scripts/build.ts', '--target', 'linux-arm64'], { cwd: ROOT });
  expect([build.exitCode, build.stderr.toString()]).toEqual([0, expect.stringContaining('built dist/imgapi-linux-arm64 for linux-arm64')]);
  expect(await elfMachine(join(ROOT, 'dist/imgapi-linux-arm64'))).toBe(0xb7);
  // arm64's sharp and libvips were installed for the build only, never into the project's node_modules.
  if (process.arch !== 'arm64') {
    expect(['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64', '@oven/bun-linux-aarch64'].filter((p) => existsSync(join(ROOT, 'node_modules', p)))).toEqual([]);
  }

  const smoke = Bun.spawnSync([process.execPath, 'scripts/smoke-binary.ts', 'dist/imgapi-linux-arm64'], { cwd: ROOT });
  expect([smoke.exitCode, smoke.stderr.toString()]).toEqual([0, '']);
  const figures = JSON.parse(smoke.stdout.toString());
  expect(figures.emulator).toBe(process.arch === 'arm64' ? null : Bun.which('qemu-aarch64-static'));
  expect(figures.version).toMatch(/^imgapi \d+\.\d+\.\d+ \(sharp [\d.]+, libvips [\d.]+\)$/);
  expect(figures.avif).toEqual(['heif', 300, 225]);
}, 600_000);
