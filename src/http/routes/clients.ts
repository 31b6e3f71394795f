import { Elysia, t } from 'elysia';
import type { ClientRecord } from '../../core/ports';
import type { AppContext } from '../../context';
import { sessionAuth } from '../auth';

const presentClient = (c: ClientRecord) => ({ id: c.id, name: c.name, createdAt: c.createdAt });

/** Tenants, for dashboard users (who manage every client). */
export const clientRoutes = (ctx: AppContext) =>
  new Elysia({ prefix: '/clients' })
    .use(sessionAuth(ctx))
    .get('', async () => ({ items: (await ctx.accounts.listClients()).map(presentClient) }))
    .post(
      '',
      async ({ body, set }) => {
        const { client, apiKey } = await ctx.accounts.createClient(body.name, body.id || undefined);
        set.status = 201;
        return { ...presentClient(client), apiKey: apiKey.apiKey };
      },
      { body: t.Object({ name: t.String({ maxLength: 200 }), id: t.Optional(t.String({ maxLength: 32 })) }) },
    );
