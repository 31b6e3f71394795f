import { join } from 'node:path';
import { bundlePage, type BundledFile } from '../bundle-page';

/** Bundles the API reference page (Swagger UI from npm, its styles, our initialisation), in memory. */
export function buildDocsViewer(): Promise<BundledFile[]> {
  return bundlePage(join(import.meta.dir, 'index.html'), '/docs/assets/');
}
