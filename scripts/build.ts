// npm run build → dist/imgapi: one self-contained Linux x64 executable (Bun runtime, our code,
// the dashboard, the /docs viewer, sharp's addon and libvips embedded). No target is given, so Bun
// uses its own binary and downloads nothing.
import { buildDashboard } from '../src/dashboard/build';
import { buildDocsViewer } from '../src/docs/build';
import { embedPagePlugin } from './embed-page-plugin';
import { sharpEmbedPlugin } from './sharp-embed-plugin';

const result = await Bun.build({
  // The workers are entrypoints of their own so `new Worker(new URL('./x.ts', import.meta.url))`
  // finds them inside the executable; [name] keeps their paths what that URL names.
  entrypoints: ['cli/imgapi.ts', 'src/core/svg/render-svg-worker.ts', 'src/core/heic/decode-heic-worker.ts'],
  naming: { entry: '[name].[ext]' },
  compile: { outfile: 'dist/imgapi' },
  format: 'esm',
  bytecode: true,
  minify: true,
  sourcemap: 'none',
  plugins: [
    sharpEmbedPlugin(),
    embedPagePlugin({ module: /[\\/]src[\\/]dashboard[\\/]assets\.ts$/, exportName: 'loadDashboardFiles', files: await buildDashboard() }),
    embedPagePlugin({ module: /[\\/]src[\\/]docs[\\/]assets\.ts$/, exportName: 'loadDocsViewerFiles', files: await buildDocsViewer() }),
  ],
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
const size = Bun.file('dist/imgapi').size;
console.error(`built dist/imgapi (${(size / 1024 / 1024).toFixed(1)} MiB)`);
