// npm run bench: imgapi against baselines it starts itself, in one run on this machine.
// Needs wrk (Debian package `wrk`); uses nginx when installed. Loopback only, bounded in time.
// Usage: bun scripts/bench/index.ts [--only hit,miss,miss-gauto,fair-transforms,memory,metadata,upload,qauto,heic,animation,placeholder,scale-out,cli,first-thumbnail] [--seconds N]
// (scale-out is not in the default set: it needs Debian's postgresql; cli needs no wrk; first-thumbnail,
// not in the default set either, needs Chromium and no wrk.)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { animationScenario } from './animation';
import { cliScenario } from './cli';
import { fairTransformsScenario } from './fair-transforms';
import { firstThumbnailScenario } from './first-thumbnail';
import { ROOT, hasCommand } from './harness';
import { heicScenario } from './heic';
import { hitScenario } from './hit';
import { missGautoScenario } from './miss-gauto';
import { placeholderScenario } from './placeholder';
import { qautoScenario } from './qauto';
import { scaleOutScenario } from './scale-out';
import { memoryScenario, metadataScenario, missScenario, uploadScenario } from './scenarios';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : ['hit', 'miss', 'miss-gauto', 'memory', 'metadata', 'upload', 'qauto', 'heic', 'animation', 'placeholder', 'fair-transforms'];
const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : 10;
const needsWrk = only.some((name) => !['cli', 'qauto', 'animation', 'placeholder', 'first-thumbnail'].includes(name));
if (needsWrk && !hasCommand('wrk')) throw new Error('wrk is not installed: apt-get install wrk');

const CORPUS = join(ROOT, '../shared/corpus');
async function corpusOr(name: string, width: number, height: number): Promise<{ path: string; bytes: Uint8Array }> {
  const path = join(CORPUS, name);
  if (existsSync(path)) return { path, bytes: new Uint8Array(await Bun.file(path).arrayBuffer()) };
  // No corpus: a generated photo-like (noisy) JPEG of the same size.
  const generated = join(ROOT, 'bench-results', `generated-${name}`);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
  writeFileSync(generated, noise);
  return { path: generated, bytes: new Uint8Array(noise) };
}

const source = needsWrk ? await corpusOr('Wood.jpg', 2560, 1920) : { path: '', bytes: new Uint8Array() };
const results: Record<string, unknown> = { date: new Date().toISOString(), seconds, source: source.path };
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : 'n/a');

if (only.includes('hit')) {
  // Turns of `seconds / 2` (at least 2 s) per server, 5 rounds, medians: see hit.ts.
  const hit = await hitScenario(source.bytes, Math.max(2, Math.round(seconds / 2)));
  results.hit = hit;
  for (const size of hit.sizes) {
    const r = size.results;
    const imgapi = r.imgapi!;
    console.log(`\nCache hit, ${size.name} (${(size.variantBytes / 1024).toFixed(1)} KiB WebP, ${size.transform}), c=${hit.connections}: medians of ${hit.rounds} turns of ${hit.secondsPerTurn} s each, servers in turn`);
    console.table(
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, { 'req/s': v.requestsPerSecond, 'p50 ms': v.p50Ms, 'p99 ms': v.p99Ms, 'CPU µs/resp': v.cpuUsPerResponse, non2xx: v.non2xx, 'req/s per turn': v.rounds.join(' ') }]),
      ),
    );
    console.log(`request logs on for imgapi: ${size.logLines} JSON lines read for ${imgapi.requests} responses`);
    const nginx = r.nginx ? ratio(imgapi.requestsPerSecond, r.nginx.requestsPerSecond) : `n/a (nginx ${hit.nginx}: apt-get install nginx)`;
    console.log(`imgapi / bun-memory: ${ratio(imgapi.requestsPerSecond, r['bun-memory']!.requestsPerSecond)} (goal ≥ 0.9); imgapi / nginx: ${nginx}; logs off / bun-memory: ${ratio(r['imgapi-nolog']!.requestsPerSecond, r['bun-memory']!.requestsPerSecond)}`);
  }
}
if (only.includes('miss')) {
  const miss = await missScenario(source.path, source.bytes, seconds);
  results.miss = miss;
  console.log('\nCache miss (each request a new w≈600 WebP variant; baseline: bare Bun + sharp, same transform)');
  console.table(Object.fromEntries(Object.entries(miss).map(([k, v]) => [k, { 'req/s': v.requestsPerSecond, 'p50 ms': v.p50Ms, 'p99 ms': v.p99Ms, non2xx: v.non2xx }])));
  for (const c of [2, 8]) console.log(`c=${c}: imgapi / bun-sharp = ${ratio(miss[`imgapi-c${c}`]!.requestsPerSecond, miss[`bun-sharp-c${c}`]!.requestsPerSecond)}`);
}
if (only.includes('miss-gauto')) {
  const photo = await corpusOr('TwoWings.jpg', 2560, 1600);
  const miss = await missGautoScenario(photo.path, photo.bytes, seconds);
  results.missGauto = miss;
  console.log('\nCache miss of a typical URL (w_800,h_600,c_fill,g_auto,f_webp,q_80, a new variant each request, 2560×1600 JPEG; baseline: bare Bun + sharp, the same crop)');
  console.table(Object.fromEntries(Object.entries(miss).map(([k, v]) => [k, { 'req/s': v.requestsPerSecond, 'p50 ms': v.p50Ms, 'p99 ms': v.p99Ms, non2xx: v.non2xx }])));
  for (const c of [2, 8]) console.log(`c=${c}: imgapi / bun-sharp = ${ratio(miss[`imgapi-c${c}`]!.requestsPerSecond, miss[`bun-sharp-c${c}`]!.requestsPerSecond)}`);
}
if (only.includes('fair-transforms')) {
  // At least 20 s: B asks once a second, and its p99 needs the samples.
  const fair = await fairTransformsScenario(source.bytes, Math.max(seconds, 20));
  results.fairTransforms = fair;
  console.log(`\nFair transforms: client A floods new w≈600 WebP variants at c=32 while client B asks one new variant (the same cost) a second; B's miss unloaded: ${fair.unloadedMs} ms (p50 of 7)`);
  const row = (r: typeof fair.fair) => ({ 'B p50 ms': r.loaded.p50Ms, 'B p99 ms': r.loaded.p99Ms, 'B max ms': r.loaded.maxMs, 'B asks': r.loaded.n, 'A req/s': r.flood.requestsPerSecond, 'A p50 ms': r.flood.p50Ms, 'A non2xx': r.flood.non2xx });
  console.table({ 'fifo (before)': row(fair.fifo), fair: row(fair.fair) });
  console.log(`B's p99 / its unloaded miss: fifo ${fair.fifoP99OverUnloaded}×, fair ${fair.fairP99OverUnloaded}× (goal ≤ 2)`);
}
if (only.includes('memory')) {
  const big = await corpusOr('Elephants_5640x3172.jpg', 5640, 3172);
  results.memory = await memoryScenario(big.bytes);
  console.log('\nMemory (8 concurrent misses of the 17.9 MP JPEG, then 1000 mixed requests)');
  console.table(results.memory);
}
if (only.includes('metadata')) {
  results.metadata = await metadataScenario(100_000);
  console.log('\nMetadata at 100 000 images (60 sequential requests each)');
  console.table(results.metadata);
}
if (only.includes('upload')) {
  results.upload = await uploadScenario(200);
  console.log('\nUpload through the API (200 small JPEGs, 4 in flight)');
  console.table(results.upload);
}

if (only.includes('qauto')) {
  const qauto = await qautoScenario();
  results.qauto = qauto;
  const baseline = `q_80 for WebP and JPEG, q_55 for AVIF; ${qauto.corpus ? 'corpus' : 'generated images'}: ${qauto.sources.join(', ')}`;
  console.log(`\nq_auto:good against the fixed default (${baseline}); score: SSIM of luma at half scale against the unencoded output; miss time: median of 3 each, side by side`);
  console.table(qauto.summary.good);
  console.log('Every level, per format');
  console.table(qauto.summary.byLevel);
}
if (only.includes('heic')) {
  const photo = await corpusOr('Elephants_5640x3172.jpg', 5640, 3172);
  const heic = await heicScenario(photo.bytes, seconds);
  results.heic = heic;
  if ('skipped' in heic) console.log(`\nHEIC: skipped, ${heic.skipped}`);
  else {
    const { photo: p, uploadMedianMs: up } = heic;
    console.log(`\nHEIC input: ${p.width}×${p.height} from Elephants, as JPEG q90 (${(p.jpegBytes / 1024).toFixed(0)} KB) and HEIC heif-enc -q 50 (${(p.heicBytes / 1024).toFixed(0)} KB, working master ${p.masterBytes === null ? 'n/a' : `${(p.masterBytes / 1024).toFixed(0)} KB`})`);
    console.log(`upload, median of 5: JPEG ${up.jpeg} ms, HEIC ${up.heic} ms (${ratio(up.heic, up.jpeg)}×)`);
    console.log('Misses, each request a new w≈600 WebP variant, the same transforms on both images');
    console.table(Object.fromEntries(Object.entries(heic.misses).map(([k, v]) => [k, { 'req/s': v.requestsPerSecond, 'p50 ms': v.p50Ms, 'p99 ms': v.p99Ms, non2xx: v.non2xx }])));
    for (const [level, r] of Object.entries(heic.missCostRatio)) console.log(`${level}: miss cost HEIC / JPEG = ${r} (goal ≤ 1.5)`);
  }
}
if (only.includes('animation')) {
  const photo = await corpusOr('Elephants_5640x3172.jpg', 5640, 3172);
  const animation = await animationScenario(photo.bytes);
  results.animation = animation;
  const { source: src } = animation;
  console.log(`\nAnimated GIF: ${src.frames} frames of ${src.width}×${src.height} panning across a photo (${(src.bytes / 1024).toFixed(0)} KB); ${animation.rounds.length} rounds of 8 concurrent misses (6 WebP, 2 GIF)`);
  console.log(`peak RSS ${animation.peakRssMb} MB (bound ${animation.boundMb} MB), idle ${animation.idleRssMb} MB; rounds: ${animation.rounds.map((r) => `${r.seconds} s [${r.statuses.join(',')}]`).join('; ')}`);
  console.log('Outputs one at a time (bytes against the source GIF)');
  console.table(
    Object.fromEntries(
      Object.entries(animation.output).map(([k, v]) => [k, 'bytes' in v ? { KB: Number((v.bytes / 1024).toFixed(1)), 'of source': ratio(v.bytes, src.bytes), frames: v.frames, 'miss ms': v.ms } : { error: `${v.status} ${v.error}` }]),
    ),
  );
  const full = animation.output.f_webp;
  if (full && 'ms' in full) console.log(`full-size GIF → WebP miss: ${full.ms} ms; sharp alone, same encode: ${animation.sharpWebpMs} ms (${ratio(full.ms, animation.sharpWebpMs)}×)`);
}
if (only.includes('placeholder')) {
  // The photo of the HEIC scenario, at the same 12 MP.
  const photo = await corpusOr('Elephants_5640x3172.jpg', 5640, 3172);
  const placeholder = await placeholderScenario(photo.bytes);
  results.placeholder = { ...placeholder, source: photo.path };
  const m = placeholder.medianMs;
  console.log(`\nPlaceholder at upload: ${placeholder.photo.width}×${placeholder.photo.height} JPEG q90 (${(placeholder.photo.bytes / 1024).toFixed(0)} KB) from ${photo.path}; medians in this process`);
  console.table({
    'upload decode before (8 px)': m.probeDecodeBefore,
    'upload decode now (100 px RGBA, upright)': m.thumbnailDecode,
    'placeholder from the thumbnail': m.placeholderFromThumbnail,
    'placeholder decoding on its own (not done)': m.standalone,
  });
  console.log(`added to an upload: ${m.added} ms (goal ≤ ${placeholder.goalMs}); upload median ${m.upload} ms with it; data URI ${placeholder.dataUriBytes} B`);
}
if (only.includes('scale-out')) {
  const scale = await scaleOutScenario(source.bytes, seconds, 100_000);
  results.scaleOut = scale;
  const row = (r: typeof scale.single) => ({
    'hit req/s': r.hit.requestsPerSecond,
    'hit p99 ms': r.hit.p99Ms,
    'miss req/s (c=2)': r.miss.requestsPerSecond,
    'cold-node fetch p50 ms': r.firstFetchOnColdNode.p50Ms,
    'cold-node fetch p95 ms': r.firstFetchOnColdNode.p95Ms,
  });
  console.log('\nOne node (SQLite + files) next to PostgreSQL + S3 (s3rver); cold node: single = its own disk after a restart, PG+S3 = a second node reading the bucket');
  console.table({ single: row(scale.single), 'postgres+s3': row(scale.scaled) });
  console.log(`hit PG+S3 / single: ${ratio(scale.scaled.hit.requestsPerSecond, scale.single.hit.requestsPerSecond)}; miss PG+S3 / single: ${ratio(scale.scaled.miss.requestsPerSecond, scale.single.miss.requestsPerSecond)}`);
  console.log('\nMetadata at 100 000 images, p50 ms (first request in brackets): SQLite next to PostgreSQL');
  console.table(
    Object.fromEntries(
      Object.entries(scale.metadataSingle).map(([query, s]) => {
        const p = scale.metadataPostgres[query]!;
        return [query, { sqlite: `${s.p50Ms} (${s.firstMs})`, postgres: `${p.p50Ms} (${p.firstMs})`, 'total equal': s.total === p.total }];
      }),
    ),
  );
}
if (only.includes('cli')) {
  results.cli = await cliScenario(50_000);
  console.log('\nLocal one-shot CLI commands, wall time of the whole process (median of 7): empty variant cache next to 50 000 cached files');
  console.table(results.cli);
}
if (only.includes('first-thumbnail')) {
  const photo = await corpusOr('Elephants_5640x3172.jpg', 5640, 3172);
  const first = await firstThumbnailScenario(photo.bytes);
  results.firstThumbnail = { ...first, source: photo.path };
  console.log(`\nDashboard: login form submitted → first thumbnail painted, ${first.images} images (1600×1067 JPEG regions of ${photo.path}), Chromium ${first.viewport}, ${first.runs} runs each`);
  console.log('uncached: variants store emptied and server restarted before each run; cached: variants stored, new browser; second log-in: same browser, its HTTP cache warm');
  console.table(first.results);
}

mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten ${out}`);
