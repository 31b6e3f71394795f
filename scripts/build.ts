// npm run build → dist/imgapi: one self-contained Linux executable for this machine (Bun runtime,
// our code, the dashboard, the /docs viewer, sharp's addon and libvips embedded).
// npm run build -- --target linux-x64|linux-arm64|all → dist/imgapi-<target>: the same for the
// platform named; another CPU's native pieces come from npm at build time (target-native-packages.ts).
import { buildDashboard } from '../src/dashboard/build';
import { buildDocsViewer } from '../src/docs/build';
import { elfMachine, planBuilds, type PlannedBuild } from './build-targets';
import { embedPagePlugin } from './embed-page-plugin';
import { sharpEmbedPlugin } from './sharp-embed-plugin';
import { nativePieces } from './target-native-packages';

let builds: PlannedBuild[];
try {
  builds = planBuilds(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const [dashboard, docsViewer] = await Promise.all([buildDashboard(), buildDocsViewer()]);
for (const { target, outfile } of builds) {
  const native = await nativePieces(target).catch((error: Error) => {
    console.error(`build: ${error.message}`);
    process.exit(1);
  });
  const result = await Bun.build({
    // The workers are entrypoints of their own so `new Worker(new URL('./x.ts', import.meta.url))`
    // finds them inside the executable; [name] keeps their paths what that URL names.
    entrypoints: ['cli/imgapi.ts', 'src/core/svg/render-svg-worker.ts', 'src/core/heic/decode-heic-worker.ts'],
    naming: { entry: '[name].[ext]' },
    // This machine's target names no runtime: Bun uses its own binary and downloads nothing.
    // Another's is the runtime npm installed, so Bun never downloads one either.
    compile: native.executablePath ? { outfile, target: target.bunTarget, executablePath: native.executablePath } : { outfile },
    format: 'esm',
    bytecode: true,
    minify: true,
    sourcemap: 'none',
    plugins: [
      sharpEmbedPlugin(native),
      embedPagePlugin({ module: /[\\/]src[\\/]dashboard[\\/]assets\.ts$/, exportName: 'loadDashboardFiles', files: dashboard }),
      embedPagePlugin({ module: /[\\/]src[\\/]docs[\\/]assets\.ts$/, exportName: 'loadDocsViewerFiles', files: docsViewer }),
    ],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  if ((await elfMachine(outfile)) !== target.elfMachine) {
    console.error(`build: ${outfile} is not a ${target.name} executable`);
    process.exit(1);
  }
  console.error(`built ${outfile} for ${target.name} (${(Bun.file(outfile).size / 1024 / 1024).toFixed(1)} MiB)`);
}
