import { Elysia } from 'elysia';
import { AppError } from '../core/errors';
import type { AppContext } from '../context';

/** Resolves `X-Api-Key` to the caller's client; every route module under /api/v1 uses it. */
export const apiKeyAuth = (ctx: AppContext) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers }) => {
    const key = await ctx.accounts.authenticate(headers['x-api-key']);
    if (!key) throw new AppError('unauthorized', headers['x-api-key'] ? 'Unknown or revoked API key' : 'Missing X-Api-Key header');
    return { clientId: key.clientId };
  });

/** Absolute URLs use IMGAPI_PUBLIC_URL when set, else the origin the request came to. */
export function publicBase(ctx: AppContext, request: Request): string {
  return ctx.config.publicUrl ?? new URL(request.url).origin;
}
