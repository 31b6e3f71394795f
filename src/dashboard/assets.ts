import { buildDashboard, type DashboardFile } from './build';

/**
 * The dashboard's files. From a checkout they are bundled at first use; in the single
 * executable, scripts/build.ts replaces this module with the files bundled at build time.
 */
export function loadDashboardFiles(): Promise<DashboardFile[]> {
  return buildDashboard();
}
