import { Elysia } from 'elysia';
import type { Caller } from '../api';
import type { AccountService } from '../core/accounts';
import { AppError } from '../core/errors';
import type { SessionRecord } from '../core/ports';
import type { SessionService } from '../core/sessions';
import { originOf } from './request-target';

/** What authenticating a request needs: keys and sessions, the rate limits, the public origin. */
export interface AuthDeps {
  accounts: Pick<AccountService, 'authenticate' | 'getClient'>;
  sessions: Pick<SessionService, 'verify'>;
  rateLimits: { take(key: string): void };
  publicUrl: string | null;
}

export const SESSION_COOKIE = 'imgapi_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(header: string | undefined | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Absolute URLs use IMGAPI_PUBLIC_URL when set, else the origin the request came to. */
export function publicBase(publicUrl: string | null, request: Request): string {
  const base = publicUrl ?? originOf(request);
  if (!base) throw new AppError('invalid_input', 'The request names no valid Host');
  return base;
}

export function isHttps(request: Request): boolean {
  return request.url.startsWith('https:') || request.headers.get('x-forwarded-proto') === 'https';
}

/**
 * CSRF defence for cookie-authenticated mutations, on top of SameSite: the browser's Origin
 * must be this server (as reached, or as configured publicly).
 */
export function assertSameOrigin(publicUrl: string | null, request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get('origin');
  const allowed = [originOf(request), publicUrl ? new URL(publicUrl).origin : null].filter(Boolean);
  if (!origin || !allowed.includes(origin)) throw new AppError('forbidden', 'Cross-site request refused');
}

async function sessionOf(deps: AuthDeps, request: Request): Promise<SessionRecord | null> {
  return deps.sessions.verify(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
}

/**
 * Who is calling /api/v1: an API key (`X-Api-Key`, acting for its client), or a dashboard
 * session cookie acting for the client named in `X-Imgapi-Client`. Both are rate limited, per
 * client address before anything else and per key once it is known.
 */
export const callerAuth = (deps: AuthDeps) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers, request, server }): Promise<{ caller: Caller }> => {
    const address = server?.requestIP(request)?.address ?? null;
    deps.rateLimits.take(`ip:${address ?? 'unknown'}`);
    const base = publicBase(deps.publicUrl, request);
    const apiKey = headers['x-api-key'];
    if (apiKey) {
      const key = await deps.accounts.authenticate(apiKey);
      if (!key) throw new AppError('unauthorized', 'Unknown or revoked API key');
      deps.rateLimits.take(`key:${key.id}`);
      return { caller: { clientId: key.clientId, base, actor: { kind: 'key', id: key.id, name: key.name }, address } };
    }
    const session = await sessionOf(deps, request);
    if (!session) throw new AppError('unauthorized', 'Missing X-Api-Key header');
    assertSameOrigin(deps.publicUrl, request);
    const clientId = headers['x-imgapi-client'];
    if (!clientId) throw new AppError('invalid_input', 'X-Imgapi-Client header is required with a session');
    const actor = { kind: 'user', id: session.userId, name: session.username } as const;
    return { caller: { clientId: (await deps.accounts.getClient(clientId)).id, base, actor, address } };
  });

/** Instance-level routes (clients): a dashboard session only, never an API key. */
export const sessionAuth = (deps: AuthDeps) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ request, server }) => {
    const session = await sessionOf(deps, request);
    if (!session) {
      if (request.headers.get('x-api-key')) throw new AppError('forbidden', 'Managing clients needs a dashboard session, not an API key');
      throw new AppError('unauthorized', 'Log in first');
    }
    assertSameOrigin(deps.publicUrl, request);
    return { session, address: server?.requestIP(request)?.address ?? null };
  });
