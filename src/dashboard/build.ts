import { join } from 'node:path';
import { bundlePage, type BundledFile } from '../bundle-page';

/** `index.html`, or an asset's hashed file name served under /assets/. */
export type DashboardFile = BundledFile;

/** Bundles the dashboard (TypeScript, Preact, CSS) for the browser, in memory. */
export function buildDashboard(): Promise<DashboardFile[]> {
  return bundlePage(join(import.meta.dir, 'index.html'), '/assets/');
}
