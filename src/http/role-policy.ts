import { AppError } from '../core/errors';
import { isReadOnly, type Role } from '../core/roles';
import { pathOf } from './request-target';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Not GETs, yet they change nothing: they answer signed URLs, or originals to download. */
const VIEWER_MAY_POST = new Set(['/api/v1/sign', '/api/v1/images/zip']);

/**
 * GETs a viewer may not make: the URL-signing secret (it acts as the client itself), and
 * webhook and purge-target endpoints, whose URLs may carry credentials in their path or query
 * (each route under them too: one target, its deliveries).
 */
const VIEWER_MAY_NOT_GET = new Set(['/api/v1/signing-secret']);
const VIEWER_MAY_NOT_GET_UNDER = ['/api/v1/webhooks', '/api/v1/purge-targets'];

const viewerMayGet = (path: string) => !VIEWER_MAY_NOT_GET.has(path) && !VIEWER_MAY_NOT_GET_UNDER.some((p) => path === p || path.startsWith(`${p}/`));

// Compared as the router would see it: percent-decoded, without trailing slashes.
function normalPath(url: string): string {
  let path = pathOf(url);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Undecodable: compared as sent, and so matches no exception.
  }
  return path.replace(/\/+$/, '') || '/';
}

/**
 * Viewers read and copy URLs only: every route that changes something is refused, whatever
 * route module it lives in (a new route is refused until it is said to be safe here).
 */
export function assertRoleMay(role: Role, request: Request): void {
  if (!isReadOnly(role)) return;
  const path = normalPath(request.url);
  const allowed = SAFE_METHODS.has(request.method) ? viewerMayGet(path) : request.method === 'POST' && VIEWER_MAY_POST.has(path);
  if (!allowed) throw new AppError('forbidden', 'A viewer can read and copy URLs only');
}
