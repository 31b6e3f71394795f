import type { BunPlugin } from 'bun';
import type { BundledFile } from '../src/bundle-page';

/**
 * Embeds a page's files, bundled at build time, in place of the module that would bundle them
 * at first use from a checkout (`src/dashboard/assets.ts`, `src/docs/assets.ts`): the executable
 * then serves them with no sources or node_modules around.
 */
export function embedPagePlugin(page: { module: RegExp; exportName: string; files: BundledFile[] }): BunPlugin {
  const encoded = page.files.map((f) => ({ name: f.name, contentType: f.contentType, base64: Buffer.from(f.body).toString('base64') }));
  const source = [
    `const files = ${JSON.stringify(encoded)};`,
    `export async function ${page.exportName}() {`,
    `  return files.map((f) => ({ name: f.name, contentType: f.contentType, body: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) }));`,
    `}`,
  ].join('\n');
  return {
    name: `embed ${page.exportName}`,
    setup(build) {
      build.onLoad({ filter: page.module }, () => ({ contents: source, loader: 'js' }));
    },
  };
}
