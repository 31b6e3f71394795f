// Smoke test of the single executable, as a user without Node or Bun would run it:
// copy dist/imgapi alone into an empty directory, clean environment, empty HOME; then
// --version, client create, serve (its dashboard and /docs), upload a JPEG, sign a w_300,f_avif URL,
// fetch and check it; then `imgapi upload` a HEIC, an animated GIF and an SVG (their decoders and
// renderer run in workers and WebAssembly embedded in the executable) and fetch each as WebP.
// Prints timings (first start with extraction, later starts) as JSON on stdout.
// An executable for another CPU (dist/imgapi-linux-arm64 on x64) runs under qemu (scripts/emulator.ts),
// where every start costs seconds and compiling WebAssembly tens of them: it then checks what differs
// between CPUs (Bun's runtime, sharp's addon, libvips: --version, client create, serve, the dashboard,
// an upload, the AVIF URL) with one start of `serve`, and leaves the HEIC/GIF/SVG uploads (their
// decoders are WebAssembly and JavaScript, the same bytes in every executable) to the native run.
// Its timings are the emulator's, not the executable's.
// Usage: bun scripts/smoke-binary.ts [path/to/imgapi]   (default dist/imgapi)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { commandPrefix } from './emulator';

const source = resolve(process.argv[2] ?? 'dist/imgapi');
const dir = mkdtempSync(join(tmpdir(), 'imgapi-smoke-'));
const home = join(dir, 'home');
mkdirSync(home);
const binary = join(dir, 'imgapi');
copyFileSync(source, binary);
const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: home, IMGAPI_LOG: 'off' };

// A failure stops any `serve` still running: exiting alone would leave it behind, orphaned.
const servers = new Set<{ kill(): void }>();

function fail(message: string): never {
  console.error(`smoke: ${message}`);
  for (const server of servers) server.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}

const prefix = await commandPrefix(source).catch((error: Error) => fail(error.message));
const emulated = prefix.length > 0;
// An emulated AVIF encode is many times slower than a real one: the 10 s default is for real CPUs.
if (emulated) env.IMGAPI_TRANSFORM_TIMEOUT_SECONDS = '120';

function run(args: string[]) {
  const result = Bun.spawnSync([...prefix, binary, ...args], { cwd: dir, env });
  if (result.exitCode !== 0) fail(`imgapi ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return result.stdout.toString();
}

/** Starts `serve` and returns how long until the first HTTP 200 from /healthz. */
async function startServe() {
  const started = performance.now();
  const proc = Bun.spawn([...prefix, binary, 'serve', '--port', '0'], { cwd: dir, env, stdout: 'pipe', stderr: 'inherit' });
  servers.add(proc);
  void proc.exited.then(() => servers.delete(proc));
  const reader = proc.stdout.getReader();
  let text = '';
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on (\S+)/.exec(text))) {
    const { value, done } = await reader.read();
    if (done) fail(`serve exited: ${text}`);
    text += new TextDecoder().decode(value);
  }
  const url = match[1]!;
  if ((await fetch(`${url}/healthz`)).status !== 200) fail('healthz is not 200');
  return { proc, url, text, msToFirst200: performance.now() - started };
}

const version = run(['--version']).trim();
if (!/libvips/.test(version)) fail(`--version says: ${version}`);
const { clientId, apiKey } = JSON.parse(run(['client', 'create', 'Smoke', '--id', 'smoke', '--json']));

// First start after `client create` already extracted the library; measure a truly cold one too.
rmSync(join(home, '.cache'), { recursive: true, force: true });
const cold = await startServe();
let warm = cold;
if (!emulated) {
  cold.proc.kill();
  await cold.proc.exited;
  warm = await startServe();
}
// The dashboard is embedded: its page and the script it names are served without any source files.
const dashboard = await (await fetch(`${warm.url}/`)).text();
const script = /src="(\/assets\/[^"]+\.js)"/.exec(dashboard)?.[1];
if (!script || (await fetch(`${warm.url}${script}`)).status !== 200) fail('the dashboard is not served by the executable');
const docs = await (await fetch(`${warm.url}/docs`)).text();
const docsScript = /src="(\/docs\/assets\/[^"]+\.js)"/.exec(docs)?.[1];
if (!docsScript || (await fetch(`${warm.url}${docsScript}`)).status !== 200) fail('the /docs viewer is not served by the executable');
const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#3a6' } }).jpeg().toBuffer();
const form = new FormData();
form.append('file', new File([new Uint8Array(photo)], 'smoke.jpg'));
const uploaded = await (await fetch(`${warm.url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': apiKey }, body: form })).json();
if (!uploaded.id) fail(`upload failed: ${JSON.stringify(uploaded)}`);
const remote = ['--url', warm.url, '--key', apiKey];
const sign = (id: string, transform: string) => run(['sign', id, transform, ...remote]).trim();
const url = sign(uploaded.id, 'w_300,f_avif');
const avif = await fetch(url);
const meta = await sharp(new Uint8Array(await avif.arrayBuffer())).metadata();
if (avif.status !== 200 || avif.headers.get('content-type') !== 'image/avif' || meta.compression !== 'av1' || meta.width !== 300) {
  fail(`expected a 300 px AVIF from ${url}, got ${avif.status} ${avif.headers.get('content-type')} ${meta.compression} ${meta.width}`);
}

const kinds = emulated ? null : await uploadOtherInputs();
warm.proc.kill();
await warm.proc.exited;
console.log(
  JSON.stringify({
    version,
    emulator: prefix[0] ?? null,
    clientId,
    binaryBytes: Bun.file(binary).size,
    coldStartMsToFirst200: Math.round(cold.msToFirst200),
    warmStartMsToFirst200: emulated ? null : Math.round(warm.msToFirst200),
    avif: [meta.format, meta.width, meta.height],
    inputs: kinds,
  }),
);
rmSync(dir, { recursive: true, force: true });

async function uploadOtherInputs(): Promise<Record<string, unknown>> {
  const inputs = join(dir, 'inputs');
  mkdirSync(inputs);
  copyFileSync(resolve(import.meta.dir, '../test/fixtures/heic/iphone-like.heic'), join(inputs, 'IMG_0001.HEIC'));
  const frames = Buffer.concat([0, 255].map((red) => Buffer.alloc(40 * 30 * 4, Buffer.from([red, 0, 255 - red, 255]))));
  await Bun.write(join(inputs, 'spin.gif'), await sharp(frames, { raw: { width: 40, height: 60, channels: 4, pageHeight: 30 } }).gif({ delay: [100, 100], loop: 0 }).toBuffer());
  await Bun.write(join(inputs, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10"><rect width="20" height="10" fill="#f00"/><text y="8">A</text></svg>');
  const lines = run(['upload', inputs, '--json', ...remote]).trim().split('\n').map((line) => JSON.parse(line));
  const kinds: Record<string, unknown> = {};
  for (const { path, id } of lines) {
    if (!id) fail(`upload of ${path} failed: ${JSON.stringify(lines)}`);
    const webp = await fetch(sign(id, 'w_16,f_webp'));
    const out = await sharp(new Uint8Array(await webp.arrayBuffer()), { animated: true }).metadata();
    if (webp.status !== 200 || out.width !== 16) fail(`expected a 16 px WebP of ${path}, got ${webp.status} ${out.width}`);
    kinds[String(path).split('.').pop()!.toLowerCase()] = [out.format, out.width, out.pages ?? 1];
  }
  return kinds;
}
