import { Elysia } from 'elysia';
import type { BundledFile } from '../../bundle-page';
import { loadDocsViewerFiles } from '../../docs/assets';
import { errorResponse } from '../errors';
import { securityHeaders } from './dashboard';

/**
 * The browsable API reference at `/docs`: Swagger UI bundled from npm and served from here, so
 * the page needs nothing from outside and lives under the dashboard's Content-Security-Policy.
 * It reads the OpenAPI document at `/docs/json`.
 */
export const docsRoutes = (publicUrl: string | null) => {
  const headers = securityHeaders(publicUrl);
  let files: Promise<Map<string, BundledFile>> | undefined;
  const load = () => (files ??= loadDocsViewerFiles().then((list) => new Map(list.map((f) => [f.name, f]))));
  const hidden = { detail: { hide: true } };

  return new Elysia()
    .get(
      '/docs',
      async () => {
        const index = (await load()).get('index.html')!;
        return new Response(index.body as Uint8Array<ArrayBuffer>, {
          headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
        });
      },
      hidden,
    )
    .get(
      '/docs/assets/:name',
      async ({ params }) => {
        const file = (await load()).get(params.name);
        if (!file || file.name === 'index.html') return errorResponse(404, 'not_found', 'No such asset');
        return new Response(file.body as Uint8Array<ArrayBuffer>, {
          headers: { ...headers, 'content-type': file.contentType, 'cache-control': 'public, max-age=31536000, immutable' },
        });
      },
      hidden,
    );
};
