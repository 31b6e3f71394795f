import { Elysia } from 'elysia';
import type { DashboardFile } from '../../dashboard/build';
import { loadDashboardFiles } from '../../dashboard/assets';
import { errorResponse } from '../errors';

export function securityHeaders(publicUrl: string | null): Record<string, string> {
  // Thumbnails may come from the public URL's origin (a CDN); nothing else is allowed in.
  const images = ["'self'", 'data:', 'blob:', publicUrl ? new URL(publicUrl).origin : ''].join(' ').trim();
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src ${images}`,
      "connect-src 'self'",
      "font-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

/** The web dashboard at `/`: its HTML plus hashed, immutable assets under /assets/. */
export const dashboardRoutes = (publicUrl: string | null) => {
  let files: Promise<Map<string, DashboardFile>> | undefined;
  const load = () => (files ??= loadDashboardFiles().then((list) => new Map(list.map((f) => [f.name, f]))));
  const headers = securityHeaders(publicUrl);

  return new Elysia()
    .get('/', async () => {
      const index = (await load()).get('index.html')!;
      return new Response(index.body as Uint8Array<ArrayBuffer>, {
        headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
      });
    })
    .get('/assets/:name', async ({ params }) => {
      const file = (await load()).get(params.name);
      if (!file || file.name === 'index.html') return errorResponse(404, 'not_found', 'No such asset');
      return new Response(file.body as Uint8Array<ArrayBuffer>, {
        headers: { ...headers, 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable' },
      });
    });
};
