import { join } from 'node:path';

export interface DashboardFile {
  /** `index.html`, or an asset's hashed file name served under /assets/. */
  name: string;
  contentType: string;
  body: Uint8Array;
}

/** Bundles the dashboard (TypeScript, Preact, CSS) for the browser, in memory. */
export async function buildDashboard(): Promise<DashboardFile[]> {
  const result = await Bun.build({
    entrypoints: [join(import.meta.dir, 'index.html')],
    target: 'browser',
    minify: true,
    publicPath: '/assets/',
    naming: { chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
  });
  if (!result.success) throw new AggregateError(result.logs, 'The dashboard failed to build');
  return Promise.all(
    result.outputs.map(async (output) => ({
      name: output.path.replace(/^\.\//, ''),
      contentType: output.type,
      body: new Uint8Array(await output.arrayBuffer()),
    })),
  );
}
