import { Elysia, t } from 'elysia';
import type { AppContext } from '../../context';
import { SESSION_COOKIE, assertSameOrigin, isHttps, readCookie } from '../auth';

function sessionCookie(request: Request, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(request) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** Dashboard log-in and log-out: a session cookie, HttpOnly and SameSite=Strict. */
export const sessionRoutes = (ctx: AppContext) =>
  new Elysia({ prefix: '/auth' })
    .post(
      '/login',
      async ({ body, request, server, set }) => {
        assertSameOrigin(ctx, request);
        const address = server?.requestIP(request)?.address ?? 'unknown';
        const session = await ctx.sessions.login(body.username, body.password, address);
        const maxAge = Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000);
        set.headers['set-cookie'] = sessionCookie(request, session.token, maxAge);
        set.headers['cache-control'] = 'no-store';
        return { username: session.username };
      },
      { body: t.Object({ username: t.String({ maxLength: 64 }), password: t.String({ maxLength: 1024 }) }) },
    )
    .post('/logout', async ({ request, set }) => {
      assertSameOrigin(ctx, request);
      await ctx.sessions.logout(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
      set.headers['set-cookie'] = sessionCookie(request, '', 0);
      set.status = 204;
    })
    // 200 either way: "not logged in" is an answer, not an error (and no console noise).
    .get('/me', async ({ request, set }) => {
      const session = await ctx.sessions.verify(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
      set.headers['cache-control'] = 'no-store';
      return { username: session?.username ?? null };
    });
