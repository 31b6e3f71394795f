import type { BundledFile } from '../bundle-page';
import { buildDocsViewer } from './build';

/**
 * The API reference page's files. From a checkout they are bundled at first use; in the single
 * executable, scripts/build.ts replaces this module with the files bundled at build time.
 */
export function loadDocsViewerFiles(): Promise<BundledFile[]> {
  return buildDocsViewer();
}
