import type { BunPlugin } from 'bun';
import { buildDashboard } from '../src/dashboard/build';

/** Bundles the dashboard at build time and embeds its files in place of src/dashboard/assets.ts. */
export async function dashboardEmbedPlugin(): Promise<BunPlugin> {
  const files = await buildDashboard();
  const encoded = files.map((f) => ({ name: f.name, contentType: f.contentType, base64: Buffer.from(f.body).toString('base64') }));
  const source = [
    `const files = ${JSON.stringify(encoded)};`,
    `export async function loadDashboardFiles() {`,
    `  return files.map((f) => ({ name: f.name, contentType: f.contentType, body: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) }));`,
    `}`,
  ].join('\n');
  return {
    name: 'dashboard-embed',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]dashboard[\\/]assets\.ts$/ }, () => ({ contents: source, loader: 'js' }));
    },
  };
}
