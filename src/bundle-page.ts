export interface BundledFile {
  /** The page's own `.html` name, or an asset's hashed file name served under the public path. */
  name: string;
  contentType: string;
  body: Uint8Array;
}

/**
 * Bundles an HTML page with the scripts and styles it names for the browser, in memory. Assets
 * get content-hashed names under `publicPath`, so they can be cached for good.
 */
export async function bundlePage(entrypoint: string, publicPath: string): Promise<BundledFile[]> {
  const result = await Bun.build({
    entrypoints: [entrypoint],
    target: 'browser',
    minify: true,
    publicPath,
    naming: { chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
  });
  if (!result.success) throw new AggregateError(result.logs, `${entrypoint} failed to build`);
  return Promise.all(
    result.outputs.map(async (output) => ({
      name: output.path.replace(/^\.\//, ''),
      contentType: output.type,
      body: new Uint8Array(await output.arrayBuffer()),
    })),
  );
}
