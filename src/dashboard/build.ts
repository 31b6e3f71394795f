import { join } from 'node:path';
import { bundlePage, type BundledFile } from '../bundle-page';

/** `index.html`, or an asset's hashed file name served under /assets/. */
export type DashboardFile = BundledFile;

const PUBLIC_PATH = '/assets/';

/**
 * The script that sets the theme, bundled on its own: Bun makes the page's scripts one deferred
 * module, which runs after the first paint, while this one must block in <head>.
 */
async function bundleThemeInit(): Promise<DashboardFile> {
  const result = await Bun.build({ entrypoints: [join(import.meta.dir, 'theme-init.ts')], target: 'browser', format: 'iife', minify: true, naming: '[name]-[hash].[ext]' });
  if (!result.success) throw new AggregateError(result.logs, 'theme-init.ts failed to build');
  const [output] = result.outputs;
  return { name: output!.path.replace(/^\.\//, ''), contentType: output!.type, body: new Uint8Array(await output!.arrayBuffer()) };
}

/** Bundles the dashboard (TypeScript, Preact, CSS) for the browser, in memory. */
export async function buildDashboard(): Promise<DashboardFile[]> {
  const [files, themeInit] = await Promise.all([bundlePage(join(import.meta.dir, 'index.html'), PUBLIC_PATH), bundleThemeInit()]);
  const index = files.find((f) => f.name === 'index.html')!;
  const html = new TextDecoder().decode(index.body);
  if (!html.includes('</head>')) throw new Error('index.html has no </head> for the theme script');
  index.body = new TextEncoder().encode(html.replace('</head>', `<script src="${PUBLIC_PATH}${themeInit.name}"></script></head>`));
  return [...files, themeInit];
}
