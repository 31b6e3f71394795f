import { Elysia, status, t } from 'elysia';
import { createApi } from '../api';
import { errors } from '../api/errors';
import type { AppContext } from '../context';
import { errorHandling } from './errors';
import { invalid } from '../core/errors';
import { folderRoutes } from './routes/folders';
import { imageRoutes } from './routes/images';
import { bulkImageRoutes } from './routes/bulk-images';
import { clientRoutes } from './routes/clients';
import { auditRoutes } from './routes/audit';
import { dashboardRoutes } from './routes/dashboard';
import { docsRoutes } from './routes/docs';
import { keyRoutes } from './routes/keys';
import { metricsRoutes } from './routes/metrics';
import { presetRoutes } from './routes/presets';
import { purgeTargetRoutes } from './routes/purge-targets';
import { webhookRoutes } from './routes/webhooks';
import { searchRoutes } from './routes/search';
import { sessionRoutes } from './routes/session';
import { signRoutes } from './routes/sign';
import { signingSecretRoutes } from './routes/signing-secret';
import { usageRoutes } from './routes/usage';
import { userRoutes } from './routes/users';
import { quotaRoutes } from './routes/quotas';
import { createAllowedMethods, methodNotAllowed } from './allowed-methods';
import { apiDocs } from './api-docs';
import { createDeliveryHandler } from './delivery-handler';
import { trashRoutes } from './routes/trash';
import { downloadRoutes } from './routes/download';
import { refuseEarly } from './request-guards';
import { uploadQuotaGuard } from './upload-quota-guard';
import { pathOf } from './request-target';
import { createObservability, type Observability } from './observability';

const Health = t.Object({ status: t.Union([t.Literal('ok'), t.Literal('unavailable')]) }, { title: 'Health' });

// Multipart framing around the file: the body limit allows for it, the file itself is checked exactly.
const MULTIPART_OVERHEAD = 1024 * 1024;

/**
 * The whole HTTP surface as one Elysia app, with delivery (`/t/*`) as a native Bun route in
 * front of it. It never listens by itself: see `listen`.
 */
export function createApp(ctx: AppContext, observability: Observability = createObservability({ logFormat: ctx.config.logFormat })) {
  const startedAt = new WeakMap<Request, { at: number; id: string }>();
  const api = createApi(ctx);
  const auth = { accounts: ctx.accounts, sessions: ctx.sessions, rateLimits: ctx.rateLimits, publicUrl: ctx.config.publicUrl };
  const uploadQuota = uploadQuotaGuard({ accounts: ctx.accounts, quotas: ctx.quotas }, MULTIPART_OVERHEAD);
  const allowedMethods = createAllowedMethods(() => app.routes);
  const wrongMethod = (request: Request) => {
    const allowed = allowedMethods(pathOf(request.url));
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
      // An API key's upload larger than its client's limit is refused before its body is read.
      return refuseEarly(request, ctx.config.maxUploadBytes, MULTIPART_OVERHEAD) ?? uploadQuota(request);
    })
    // Every JSON body of this API is an object; Elysia would coerce an array into one (`["a"]` →
    // `{ "0": "a" }`) before the schema sees it, so an array or scalar could pass as an empty patch.
    .onTransform({ as: 'global' }, ({ body }) => {
      // An octet-stream body arrives as an ArrayBuffer, an object with no fields: an empty patch too.
      if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body) || body instanceof ArrayBuffer)) {
        throw invalid('Invalid input: the request body must be a JSON object');
      }
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
    .get(
      '/healthz',
      async ({ set }) => {
        const ok = await ctx.healthy();
        set.headers['cache-control'] = 'no-store';
        return ok ? { status: 'ok' as const } : status(503, { status: 'unavailable' as const });
      },
      {
        response: { 200: Health, 503: Health, ...errors(405, 414) },
        detail: {
          tags: ['operations'],
          operationId: 'health',
          summary: 'Health of this node',
          description: '200 while the database and the originals store answer, else 503.',
          security: [],
        },
      },
    )
    .use(apiDocs())
    .use(docsRoutes(ctx.config.publicUrl))
    .use(metricsRoutes(ctx, observability))
    .use(sessionRoutes({ sessions: ctx.sessions, publicUrl: ctx.config.publicUrl }))
    .use(dashboardRoutes(ctx.config.publicUrl))
    .use(downloadRoutes(api))
    .group('/api/v1', (group) =>
      group
        .use(clientRoutes(api, auth))
        .use(userRoutes(api, auth))
        .use(bulkImageRoutes(api, auth))
        .use(imageRoutes(api, auth))
        .use(trashRoutes(api, auth))
        .use(folderRoutes(api, auth))
        .use(searchRoutes(api, auth))
        .use(signRoutes(api, auth))
        .use(signingSecretRoutes(api, auth))
        .use(usageRoutes(api, auth))
        .use(quotaRoutes(api, auth))
        .use(presetRoutes(api, auth))
        .use(purgeTargetRoutes(api, auth))
        .use(webhookRoutes(api, auth))
        .use(keyRoutes(api, auth))
        .use(auditRoutes(api, auth)),
    );
  return app;
}

/** The app's type: what the typed API client (Eden Treaty) is derived from. */
export type App = ReturnType<typeof createApp>;

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
