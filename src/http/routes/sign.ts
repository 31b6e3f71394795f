import { Elysia, t } from 'elysia';
import type { AppContext } from '../../context';
import { callerAuth, publicBase } from '../auth';

export const signRoutes = (ctx: AppContext) =>
  new Elysia()
    .use(callerAuth(ctx))
    .post(
      '/sign',
      async ({ clientId, body, request }) => {
        const { path, canonical, format } = await ctx.urls.sign(clientId, body);
        return { url: publicBase(ctx, request) + path, canonical, format };
      },
      {
        body: t.Object({
          imageId: t.String({ maxLength: 64 }),
          transform: t.Optional(t.String()),
          preset: t.Optional(t.String({ maxLength: 64 })),
        }),
      },
    );
