import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import type { AppContext } from '../context';
import { errorHandling } from './errors';
import { folderRoutes } from './routes/folders';
import { imageRoutes } from './routes/images';
import { clientRoutes } from './routes/clients';
import { dashboardRoutes } from './routes/dashboard';
import { keyRoutes } from './routes/keys';
import { metricsRoutes } from './routes/metrics';
import { presetRoutes } from './routes/presets';
import { searchRoutes } from './routes/search';
import { sessionRoutes } from './routes/session';
import { signRoutes } from './routes/sign';
import { errorResponse } from './errors';
import { createDeliveryHandler } from './delivery-handler';
import { createObservability, type Observability } from './observability';

// Multipart framing around the file: the body limit allows for it, the file itself is checked exactly.
const MULTIPART_OVERHEAD = 1024 * 1024;

/**
 * The whole HTTP surface as one Elysia app, with delivery (`/t/*`) as a native Bun route in
 * front of it. It never listens by itself: see `listen`.
 */
export function createApp(ctx: AppContext, observability: Observability = createObservability({ logFormat: ctx.config.logFormat })) {
  const bodyLimit = ctx.config.maxUploadBytes + MULTIPART_OVERHEAD;
  const startedAt = new WeakMap<Request, { at: number; id: string }>();
  return new Elysia({ serve: { routes: { '/t/*': createDeliveryHandler(ctx, observability) } } })
    .use(errorHandling)
    .onRequest(({ request, set }) => {
      const id = observability.requestId(request);
      startedAt.set(request, { at: performance.now(), id });
      set.headers['x-request-id'] = id;
      set.headers['x-content-type-options'] = 'nosniff';
      // Refuse an oversized upload from its header, before reading it.
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > bodyLimit) return errorResponse(413, 'too_large', `Request body is larger than the limit of ${ctx.config.maxUploadBytes} bytes`);
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set, response }) => {
      const started = startedAt.get(request);
      if (!started) return;
      const status = response instanceof Response ? response.status : typeof set.status === 'number' ? set.status : 200;
      const matched = route || 'unmatched';
      observability.record({
        id: started.id,
        method: request.method,
        route: matched,
        status,
        durationMs: performance.now() - started.at,
        kind: matched.startsWith('/api/') ? 'api' : 'other',
      });
    })
    .get('/healthz', async ({ set }) => {
      const ok = await ctx.healthy();
      set.status = ok ? 200 : 503;
      set.headers['cache-control'] = 'no-store';
      return { status: ok ? 'ok' : 'unavailable' };
    })
    .use(
      openapi({
        path: '/docs',
        exclude: { paths: ['/t/*', '/metrics', '/', '/assets/:name'] },
        documentation: {
          info: { title: 'imgapi', version: '0.1.0', description: 'Management API: every /api/v1 route needs X-Api-Key.' },
          components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
          security: [{ apiKey: [] }],
        },
      }),
    )
    .use(metricsRoutes(ctx, observability))
    .use(sessionRoutes(ctx))
    .use(dashboardRoutes(ctx))
    .group('/api/v1', (api) =>
      api
        .use(clientRoutes(ctx))
        .use(imageRoutes(ctx))
        .use(folderRoutes(ctx))
        .use(searchRoutes(ctx))
        .use(signRoutes(ctx))
        .use(presetRoutes(ctx))
        .use(keyRoutes(ctx)),
    );
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function listen(ctx: AppContext, options: { host: string; port: number }): RunningServer {
  const observability = createObservability({ logFormat: ctx.config.logFormat });
  const app = createApp(ctx, observability);
  app.listen({
    hostname: options.host,
    port: options.port,
    development: false,
    // Elysia turns SO_REUSEPORT on by default: a second `imgapi serve` on the same port would
    // then start silently and share the traffic. It must fail instead.
    reusePort: false,
    // Bun's own hard stop answers with a bare 413; keep it above our limit so declared
    // lengths get the JSON error from onRequest and only unannounced giant bodies hit it.
    maxRequestBodySize: 2 * (ctx.config.maxUploadBytes + MULTIPART_OVERHEAD),
  });
  const server = app.server!;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${server.port}`,
    port: server.port!,
    /** Stops accepting, lets requests in flight finish (up to 10 s), then closes what is left. */
    stop: async () => {
      await Promise.race([app.stop(false), Bun.sleep(10_000)]);
      if (app.server) await app.stop(true);
      observability.flush();
    },
  };
}
