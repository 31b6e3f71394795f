// Upload throughput of `imgapi upload` for a directory of 200 small JPEGs, in local mode and
// against a server (remote mode), measured side by side in one run.
// Usage: bun scripts/bench-upload.ts [count]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const count = Number(process.argv[2] ?? 200);
const cli = join(import.meta.dir, '../cli/imgapi.ts');
const work = mkdtempSync(join(tmpdir(), 'imgapi-bench-upload-'));
const photos = join(work, 'photos');
mkdirSync(photos);
for (let i = 0; i < count; i++) {
  const image = sharp({ create: { width: 640, height: 480, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: 90 } } });
  writeFileSync(join(photos, `p${i}.jpg`), await image.jpeg({ quality: 80 }).toBuffer());
}

function timeUpload(env: Record<string, string>) {
  const started = performance.now();
  const result = Bun.spawnSync([process.execPath, cli, 'upload', photos, '--folder', 'bench'], { env: { ...process.env, ...env } });
  const seconds = (performance.now() - started) / 1000;
  if (result.exitCode !== 0) throw new Error(result.stderr.toString());
  return { seconds: Number(seconds.toFixed(2)), imagesPerSecond: Math.round(count / seconds) };
}

const home = join(work, 'home');
const localData = join(work, 'local');
Bun.spawnSync([process.execPath, cli, 'init', '--yes'], { env: { ...process.env, HOME: home, IMGAPI_DATA: localData } });
const local = timeUpload({ HOME: home, IMGAPI_DATA: localData });

const remoteData = join(work, 'remote');
const init = Bun.spawnSync([process.execPath, cli, 'init', '--yes', '--json'], { env: { ...process.env, HOME: home, IMGAPI_DATA: remoteData } });
const { apiKey } = JSON.parse(init.stdout.toString());
const server = Bun.spawn([process.execPath, cli, 'serve', '--port', '0', '--data', remoteData], { stdout: 'pipe' });
const reader = server.stdout.getReader();
let text = '';
while (!/listening on (\S+)/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
const url = /listening on (\S+)/.exec(text)![1]!;
const remote = timeUpload({ HOME: home, IMGAPI_URL: url, IMGAPI_KEY: apiKey });
server.kill();
await server.exited;

console.log(JSON.stringify({ files: count, local, remote }));
rmSync(work, { recursive: true, force: true });
