import { Elysia, t } from 'elysia';
import type { AppContext } from '../../context';
import { callerAuth } from '../auth';
import { presentKey } from '../present';

export const keyRoutes = (ctx: AppContext) =>
  new Elysia({ prefix: '/keys' })
    .use(callerAuth(ctx))
    .get('', async ({ clientId }) => ({ items: (await ctx.accounts.listKeys(clientId)).map(presentKey) }))
    .post(
      '',
      async ({ clientId, body, set }) => {
        const { key, apiKey } = await ctx.accounts.createKey(clientId, body?.name);
        set.status = 201;
        return { ...presentKey(key), apiKey };
      },
      { body: t.Optional(t.Object({ name: t.Optional(t.String({ maxLength: 100 })) })) },
    )
    .delete('/:id', async ({ clientId, params, set }) => {
      await ctx.accounts.revokeKey(clientId, params.id);
      set.status = 204;
    });
