// q_auto against fixed qualities on the corpus (or generated photo-like images): bytes, score
// and miss time, per format and width, in one run. Usage: bun scripts/bench/index.ts --only qauto
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { scoreEncoded, scoringPlane } from '../../src/core/transform/auto-quality';
import { runPlan, tuneSharpForTransforms } from '../../src/core/transform/execute';
import { AUTO_QUALITY_LEVELS, type AutoQualityLevel } from '../../src/core/transform/ops/quality';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform } from '../../src/core/transform/plan';
import { AUTO_QUALITY_TARGETS } from '../../src/core/transform/quality-search';
import { ROOT, percentile } from './harness';

const FORMATS = ['webp', 'avif', 'jpeg'] as const;
type Format = (typeof FORMATS)[number];
const WIDTHS = [600, 1400];
/** What each format is served at without `q`: the baseline q_auto must beat. */
const FIXED: Record<Format, number> = { webp: 80, avif: 55, jpeg: 80 };
const TIMED_RUNS = 3;
const LIMITS = { maxPixels: 268_402_689, timeoutSeconds: 60 };
const WHITE = { r: 255, g: 255, b: 255 };

const CORPUS = join(ROOT, '../shared/corpus');
const CORPUS_FILES = ['FreshFlower.jpg', 'Storm.jpg', 'TwoWings.jpg', 'Wood.jpg', 'Elephants_3840x2160.jpg', 'Elephants_5640x3172.jpg', 'Spring.png', 'wood-d.webp'];

/** No corpus: photo-like images (a lit disc over a gradient, texture, grain), smooth to busy. */
async function generatedSources(): Promise<{ name: string; input: Uint8Array }[]> {
  const sources = [];
  for (const [i, texture] of [4, 16, 40].entries()) {
    const width = 2400;
    const height = 1600;
    const data = new Uint8Array(width * height * 3);
    let seed = 17 + i;
    const grain = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * texture;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const lit = Math.max(0, 1 - Math.hypot(x - width * 0.4, y - height * 0.45) / (height * 0.4));
        const stripes = texture * Math.sin(x / 5) * Math.sin(y / 9);
        const rgb = [50 + 150 * lit + (60 * y) / height, 90 + 80 * lit, 140 - 60 * lit];
        const noise = grain();
        for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + stripes + noise)));
      }
    }
    const input = new Uint8Array(await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer());
    sources.push({ name: `generated-texture-${texture}.jpg`, input });
  }
  return sources;
}

interface Row {
  image: string;
  width: number;
  format: Format;
  fixed: Measure;
  auto: Partial<Record<AutoQualityLevel, Measure>>;
}

interface Measure {
  bytes: number;
  score: number;
  quality: number;
  ms: number;
}

async function measure(input: string | Uint8Array, source: { width: number; height: number }, transform: string, format: Format, reference: ReturnType<typeof scoringPlane>, runs: number): Promise<Measure> {
  const plan = planTransform(parseTransform(transform), source, format);
  const times: number[] = [];
  let result!: Awaited<ReturnType<typeof runPlan>>;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    result = await runPlan(input, source, plan, LIMITS);
    times.push(performance.now() - started);
  }
  return { bytes: result.body.byteLength, score: await scoreEncoded(reference, result.body, WHITE), quality: result.quality!, ms: percentile(times, 50) };
}

/** The pixels every candidate is scored against: the transform's output before encoding (as lossless PNG). */
async function referenceOf(input: string | Uint8Array, source: { width: number; height: number }, width: number) {
  const lossless = await runPlan(input, source, planTransform(parseTransform(`w_${width}`), source, 'png'), LIMITS);
  const { data, info } = await sharp(lossless.body).raw().toBuffer({ resolveWithObject: true });
  return scoringPlane({ data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels }, WHITE);
}

export async function qautoScenario(levels: readonly AutoQualityLevel[] = AUTO_QUALITY_LEVELS) {
  tuneSharpForTransforms();
  const present = CORPUS_FILES.filter((name) => existsSync(join(CORPUS, name)));
  const sources: { name: string; input: string | Uint8Array }[] = present.length > 0 ? present.map((name) => ({ name, input: join(CORPUS, name) })) : await generatedSources();
  const rows: Row[] = [];
  for (const { name, input } of sources) {
    const meta = await sharp(input).metadata();
    const source = { width: meta.autoOrient?.width ?? meta.width!, height: meta.autoOrient?.height ?? meta.height! };
    for (const width of WIDTHS) {
      const reference = await referenceOf(input, source, width);
      for (const format of FORMATS) {
        // Fixed and good are timed side by side, each the median of three, so noise hits both alike.
        const fixed = await measure(input, source, `w_${width},q_${FIXED[format]}`, format, reference, TIMED_RUNS);
        const auto: Partial<Record<AutoQualityLevel, Measure>> = {};
        for (const level of levels) auto[level] = await measure(input, source, `w_${width},q_auto:${level}`, format, reference, level === 'good' ? TIMED_RUNS : 1);
        rows.push({ image: name, width, format, fixed, auto });
        process.stderr.write('.');
      }
    }
  }
  process.stderr.write('\n');
  return { sources: sources.map((s) => s.name), corpus: present.length > 0, targets: AUTO_QUALITY_TARGETS, rows, summary: summarize(rows, levels) };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function summarize(rows: Row[], levels: readonly AutoQualityLevel[]) {
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(`${row.format} w_${row.width}`, [...(groups.get(`${row.format} w_${row.width}`) ?? []), row]);
  for (const format of FORMATS) groups.set(format, rows.filter((r) => r.format === format));
  groups.set('all', rows);
  const scores = (measured: Measure[]) => `${round(Math.min(...measured.map((m) => m.score)), 4)} / ${round(sum(measured.map((m) => m.score)) / measured.length, 4)}`;
  const good: Record<string, Record<string, string | number>> = {};
  const byLevel: Record<string, Record<string, string | number>> = {};
  for (const [group, members] of groups) {
    const fixedBytes = sum(members.map((r) => r.fixed.bytes));
    const bytesOf = (level: AutoQualityLevel) => sum(members.map((r) => r.auto[level]!.bytes));
    if (levels.includes('good')) {
      const measured = members.map((r) => r.auto.good!);
      good[group] = {
        'fixed KB': Math.round(fixedBytes / 1024),
        'good KB': Math.round(bytesOf('good') / 1024),
        'good / fixed bytes': round(bytesOf('good') / fixedBytes),
        'fixed score min / mean': scores(members.map((r) => r.fixed)),
        'good score min / mean': scores(measured),
        'below target': measured.filter((m) => m.score < AUTO_QUALITY_TARGETS.good).length,
        'q chosen': `${Math.min(...measured.map((m) => m.quality))}–${Math.max(...measured.map((m) => m.quality))}`,
        'miss time good / fixed': round(sum(measured.map((m) => m.ms)) / sum(members.map((r) => r.fixed.ms))),
        'per image, max': round(Math.max(...members.map((r) => r.auto.good!.ms / r.fixed.ms)), 1),
      };
    }
    if (group.includes(' ')) continue;
    for (const level of levels) {
      const measured = members.map((r) => r.auto[level]!);
      byLevel[`${group} ${level} (${AUTO_QUALITY_TARGETS[level]})`] = {
        'bytes / fixed': round(bytesOf(level) / fixedBytes),
        'score min / mean': scores(measured),
        'below target': measured.filter((m) => m.score < AUTO_QUALITY_TARGETS[level]).length,
        'q chosen': `${Math.min(...measured.map((m) => m.quality))}–${Math.max(...measured.map((m) => m.quality))}`,
      };
    }
  }
  return { good, byLevel };
}
