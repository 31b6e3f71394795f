import { Elysia, t } from 'elysia';
import { errors } from '../../api/errors';
import { LoggedIn, LoginBody, Me } from '../../api/session';
import type { SessionService } from '../../core/sessions';
import { SESSION_COOKIE, assertSameOrigin, isHttps, readCookie } from '../auth';

function sessionCookie(request: Request, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(request) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

const tags = ['session'];
const LoggedOut = t.Void({ description: 'Logged out; the cookie is cleared' });

/** Dashboard log-in and log-out: a session cookie, HttpOnly and SameSite=Strict. */
export const sessionRoutes = (deps: { sessions: SessionService; publicUrl: string | null }) =>
  new Elysia({ prefix: '/auth' })
    .post(
      '/login',
      async ({ body, request, server, set }) => {
        assertSameOrigin(deps.publicUrl, request);
        const address = server?.requestIP(request)?.address ?? 'unknown';
        const session = await deps.sessions.login(body.username, body.password, address);
        const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
        set.headers['set-cookie'] = sessionCookie(request, session.token, maxAge);
        set.headers['cache-control'] = 'no-store';
        return { username: session.username };
      },
      {
        body: LoginBody,
        response: { 200: LoggedIn, ...errors(400, 401, 403, 405, 413, 414, 429, 503) },
        detail: {
          tags,
          operationId: 'login',
          summary: 'Log in to the dashboard',
          description: 'Sets the HttpOnly session cookie. Throttled after 5 failures per user name or address (429).',
          security: [],
        },
      },
    )
    .post(
      '/logout',
      async ({ request, set, status }) => {
        assertSameOrigin(deps.publicUrl, request);
        await deps.sessions.logout(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
        set.headers['set-cookie'] = sessionCookie(request, '', 0);
        return status(204, undefined);
      },
      {
        response: { 204: LoggedOut, ...errors(403, 405, 414, 503) },
        detail: { tags, operationId: 'logout', summary: 'Log out', description: 'Ends the session on the server too.', security: [] },
      },
    )
    // 200 either way: "not logged in" is an answer, not an error (and no console noise).
    .get(
      '/me',
      async ({ request, set }) => {
        const session = await deps.sessions.verify(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
        set.headers['cache-control'] = 'no-store';
        return session ? { username: session.username, role: session.role, clientIds: session.clientIds } : { username: null };
      },
      {
        response: { 200: Me, ...errors(405, 414, 503) },
        detail: { tags, operationId: 'currentUser', summary: 'Who is logged in', security: [] },
      },
    );
