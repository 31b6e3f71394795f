import { Elysia } from 'elysia';
import { userActor, type Actor, type Caller } from '../api';
import type { AccountService } from '../core/accounts';
import type { ApiKeyRecord } from '../core/ports';
import { AppError, notFound } from '../core/errors';
import { managesClients, reaches } from '../core/roles';
import type { LiveSession, SessionService } from '../core/sessions';
import { originOf } from './request-target';
import { assertRoleMay } from './role-policy';

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

async function sessionOf(deps: AuthDeps, request: Request): Promise<LiveSession | null> {
  return deps.sessions.verify(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
}

/** A cookie that no longer opens a session (expired, logged out, the user disabled) is told so. */
const endedSession = (request: Request): AppError | null =>
  readCookie(request.headers.get('cookie'), SESSION_COOKIE) ? new AppError('unauthorized', 'Your session has ended: log in again') : null;

const sessionActor = (session: LiveSession): Actor => userActor(session.userId, session.username);

/** Who a request authenticates as: an API key, or else a dashboard session (same-origin checked). */
export type Authenticated =
  | { address: string | null; key: ApiKeyRecord; session?: undefined }
  | { address: string | null; key?: undefined; session: LiveSession };

/**
 * The steps every /api/v1 caller goes through: rate limited per client address before
 * anything else, then `X-Api-Key` (rate limited per key once known) or the session cookie.
 */
export async function authenticate(deps: AuthDeps, request: Request, address: string | null): Promise<Authenticated> {
  deps.rateLimits.take(`ip:${address ?? 'unknown'}`);
  const apiKey = request.headers.get('x-api-key');
  if (apiKey) {
    const key = await deps.accounts.authenticate(apiKey);
    if (!key) throw new AppError('unauthorized', 'Unknown or revoked API key');
    deps.rateLimits.take(`key:${key.id}`);
    return { address, key };
  }
  const session = await sessionOf(deps, request);
  if (!session) throw endedSession(request) ?? new AppError('unauthorized', 'Missing X-Api-Key header');
  assertSameOrigin(deps.publicUrl, request);
  return { address, session };
}

/**
 * Who is calling /api/v1: an API key (`X-Api-Key`, acting for its client), or a dashboard
 * session cookie acting for the client named in `X-Imgapi-Client`. A session reaches only
 * the clients its role allows (any other is not found, as for a key), and a viewer's session
 * only what reads.
 */
export const callerAuth = (deps: AuthDeps) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers, request, server }): Promise<{ caller: Caller }> => {
    const who = await authenticate(deps, request, server?.requestIP(request)?.address ?? null);
    const { address } = who;
    const base = publicBase(deps.publicUrl, request);
    if (who.key) {
      const { key } = who;
      // A key acts for its own client only: naming another must not quietly act on this one.
      const named = headers['x-imgapi-client'];
      if (named && named !== key.clientId) throw notFound('Client');
      return { caller: { clientId: key.clientId, base, actor: { kind: 'key', id: key.id, name: key.name }, address } };
    }
    const { session } = who;
    const clientId = headers['x-imgapi-client'];
    if (!clientId) throw new AppError('invalid_input', 'X-Imgapi-Client header is required with a session');
    if (!reaches(session, clientId)) throw notFound('Client');
    assertRoleMay(session.role, request);
    return { caller: { clientId: (await deps.accounts.getClient(clientId)).id, base, actor: sessionActor(session), address } };
  });

/**
 * Instance-level routes (clients, users): a dashboard session only, never an API key. The
 * session carries the user's role and granted clients; each route module says what a role may.
 */
export const sessionAuth = (deps: AuthDeps) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ request, server }) => {
    const session = await sessionOf(deps, request);
    if (!session) {
      if (request.headers.get('x-api-key')) throw new AppError('forbidden', 'This needs a dashboard session, not an API key');
      throw endedSession(request) ?? new AppError('unauthorized', 'Log in first');
    }
    assertSameOrigin(deps.publicUrl, request);
    return { session, actor: sessionActor(session), address: server?.requestIP(request)?.address ?? null };
  });

/** Creating, renaming, deleting clients and setting their quotas: owners and admins. */
export function assertManagesClients(session: LiveSession): void {
  if (!managesClients(session.role)) throw new AppError('forbidden', 'Only owners and admins manage clients');
}
