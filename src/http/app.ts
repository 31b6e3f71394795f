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
import { createAllowedMethods, methodNotAllowed } from './allowed-methods';
import { createDeliveryHandler } from './delivery-handler';
import { parseUndeclaredBody, refuseEarly } from './request-guards';
import { createObservability, type Observability } from './observability';

// Multipart framing around the file: the body limit allows for it, the file itself is checked exactly.
const MULTIPART_OVERHEAD = 1024 * 1024;

/**
 * The whole HTTP surface as one Elysia app, with delivery (`/t/*`) as a native Bun route in
 * front of it. It never listens by itself: see `listen`.
 */
export function createApp(ctx: AppContext, observability: Observability = createObservability({ logFormat: ctx.config.logFormat })) {
  const startedAt = new WeakMap<Request, { at: number; id: string }>();
  const allowedMethods = createAllowedMethods(() => app.routes);
  const wrongMethod = (request: Request) => {
    const allowed = allowedMethods(new URL(request.url).pathname);
    return allowed.length > 0 ? methodNotAllowed(request.method, allowed) : undefined;
  };
  const app = new Elysia({ serve: { routes: { '/t/*': createDeliveryHandler(ctx, observability) } } })
    .use(errorHandling(wrongMethod))
    .onRequest(({ request, set }) => {
      const id = observability.requestId(request);
      startedAt.set(request, { at: performance.now(), id });
      set.headers['x-request-id'] = id;
      set.headers['x-content-type-options'] = 'nosniff';
      // Over-long URLs and oversized bodies are refused from the request line and headers.
      return refuseEarly(request, ctx.config.maxUploadBytes, MULTIPART_OVERHEAD);
    })
    .onParse({ as: 'global' }, ({ request, contentType }) => parseUndeclaredBody(request, contentType))
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
  return app;
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
