import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLI, percentile } from './harness';

const RUNS = 7;

/** Wall time of a whole process, as a user sees it: start, open, answer, exit. */
function timeRuns(cmd: string[], env: Record<string, string | undefined>): { p50Ms: number; minMs: number } {
  const times: number[] = [];
  // One unmeasured run warms the page cache, as on any machine where the command ran before.
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const run = Bun.spawnSync(cmd, { env, stdout: 'ignore', stderr: 'pipe' });
    const elapsed = performance.now() - started;
    if (run.exitCode !== 0) throw new Error(`${cmd.join(' ')} failed: ${run.stderr.toString()}`);
    if (i > 0) times.push(elapsed);
  }
  return { p50Ms: Math.round(percentile(times, 50)), minMs: Math.round(Math.min(...times)) };
}

/** The variant cache's own layout: data/cache/<clientId>/<imageId>/v<version>/<variant>.<format>. */
function fillVariantCache(dataDir: string, clientId: string, files: number): void {
  const perImage = 10;
  const body = new Uint8Array(100);
  for (let image = 0; image < files / perImage; image++) {
    const dir = join(dataDir, 'cache', clientId, `img${image.toString().padStart(6, '0')}`, 'v1');
    mkdirSync(dir, { recursive: true });
    for (let v = 0; v < perImage; v++) writeFileSync(join(dir, `${100 + v * 10}x${100 + v * 10}-cover-q80.webp`), body);
  }
}

/**
 * Local one-shot commands (`key list`, `image list`) on two copies of one data directory:
 * one with an empty variant cache, one with `cachedFiles` variants in it. A command that
 * opens only what it needs takes the same time on both; `bun -e 0` is the process floor.
 */
export async function cliScenario(cachedFiles: number) {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-cli-'));
  const env: Record<string, string | undefined> = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') };
  for (const name of Object.keys(env)) if (name.startsWith('IMGAPI_')) delete env[name];
  const empty = join(dir, 'empty');
  const full = join(dir, 'full');
  const setUp = Bun.spawnSync([process.execPath, CLI, 'init', '--yes', '--json', '--data', empty], { env });
  const { clientId } = JSON.parse(setUp.stdout.toString()) as { clientId: string };
  const images = join(dir, 'images');
  mkdirSync(images);
  for (let i = 0; i < 5; i++) {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: i * 40, g: 90, b: 160 } } }).jpeg().toBuffer();
    writeFileSync(join(images, `photo-${i}.jpg`), jpeg);
  }
  const upload = Bun.spawnSync([process.execPath, CLI, 'upload', images, '--data', empty, '--json'], { env });
  if (upload.exitCode !== 0) throw new Error(`upload failed: ${upload.stderr.toString()}`);
  cpSync(empty, full, { recursive: true });
  fillVariantCache(full, clientId, cachedFiles);

  const cli = (args: string[], data: string) => timeRuns([process.execPath, CLI, ...args, '--data', data], env);
  const results = {
    'bun -e 0': timeRuns([process.execPath, '-e', '0'], env),
    'key list, empty cache': cli(['key', 'list'], empty),
    [`key list, ${cachedFiles} cached files`]: cli(['key', 'list'], full),
    'image list, empty cache': cli(['image', 'list'], empty),
    [`image list, ${cachedFiles} cached files`]: cli(['image', 'list'], full),
  };
  rmSync(dir, { recursive: true, force: true });
  return results;
}
