import type { BunPlugin } from 'bun';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NativePieces } from './target-native-packages';

/**
 * Replaces sharp's native-loading module (`sharp/dist/sharp.mjs`) with one that embeds the
 * target's addon and libvips in the executable and loads them from a private extraction
 * directory. The layout keeps the addon's RPATH working: `node_modules/@img/sharp-<platform>/lib/`
 * beside `node_modules/@img/sharp-libvips-<platform>/lib/`.
 */
export function sharpEmbedPlugin({ platform, sharpVersion, addonDir, vipsDir }: NativePieces): BunPlugin {
  const addon = readdirSync(addonDir).find((f) => f.endsWith('.node'));
  const vips = readdirSync(vipsDir).find((f) => f.startsWith('libvips-cpp.so'));
  if (!addon || !vips) throw new Error(`sharp for ${platform} is not installed (npm install)`);
  const files = [
    { source: join(addonDir, addon), relative: `node_modules/@img/sharp-${platform}/lib/${addon}` },
    { source: join(vipsDir, vips), relative: `node_modules/@img/sharp-libvips-${platform}/lib/${vips}` },
  ];
  // Content-hashed at build time, so start-up never hashes 18 MB.
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file.source));
  const tag = `sharp-${sharpVersion}-${hash.digest('hex').slice(0, 16)}`;
  const extractor = join(import.meta.dir, '../src/native/extract-native.ts');

  const source = [
    `import { createRequire } from 'node:module';`,
    `import { extractAndLoad } from ${JSON.stringify(extractor)};`,
    ...files.map((f, i) => `import file${i} from ${JSON.stringify(f.source)} with { type: 'file' };`),
    `const files = [${files.map((f, i) => `{ embedded: file${i}, relative: ${JSON.stringify(f.relative)} }`).join(', ')}];`,
    `const require = createRequire(import.meta.url);`,
    `const sharp = await extractAndLoad(${JSON.stringify(tag)}, files, (dir) => require(dir + '/' + ${JSON.stringify(files[0]!.relative)}));`,
    `export default sharp;`,
  ].join('\n');

  return {
    name: 'sharp-embed',
    setup(build) {
      build.onLoad({ filter: /[\\/]sharp[\\/]dist[\\/]sharp\.mjs$/ }, () => ({ contents: source, loader: 'js' }));
    },
  };
}
