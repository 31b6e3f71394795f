import { Elysia, t } from 'elysia';
import type { AppContext } from '../../context';
import { callerAuth, publicBase } from '../auth';
import { presentFolder, presentImage } from '../present';

const SEARCH_LIMIT = 50;

export const searchRoutes = (ctx: AppContext) =>
  new Elysia()
    .use(callerAuth(ctx))
    .get(
      '/search',
      async ({ clientId, query, request }) => {
        const [images, folders, client] = await Promise.all([
          ctx.images.search(clientId, query.q, SEARCH_LIMIT),
          ctx.folders.search(clientId, query.q, SEARCH_LIMIT),
          ctx.accounts.getClient(clientId),
        ]);
        const base = publicBase(ctx, request);
        return { images: images.map((image) => presentImage(image, client, base)), folders: folders.map(presentFolder) };
      },
      { query: t.Object({ q: t.String({ minLength: 1, maxLength: 200 }) }) },
    );
