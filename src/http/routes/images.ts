import { Elysia, t } from 'elysia';
import type { ImageRecord } from '../../core/ports';
import type { AppContext } from '../../context';
import { callerAuth, publicBase } from '../auth';
import { presentImage } from '../present';

const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer());

/**
 * Browsers (and fetch) write `"`, CR and LF in multipart file names as %22, %0D, %0A: undo just
 * that. `filename=""` arrives as no name at all.
 */
const multipartFileName = (name: string | undefined) => (name ?? '').replace(/%22/g, '"').replace(/(%0D|%0A)+/gi, ' ');

export const imageRoutes = (ctx: AppContext) => {
  const present = async (clientId: string, request: Request, image: ImageRecord) =>
    presentImage(image, await ctx.accounts.getClient(clientId), publicBase(ctx, request));

  return new Elysia({ prefix: '/images' })
    .use(callerAuth(ctx))
    .post(
      '',
      async ({ clientId, body, request, set }) => {
        const image = await ctx.images.upload(clientId, { data: await bytesOf(body.file), fileName: multipartFileName(body.file.name), folder: body.folder });
        set.status = 201;
        return present(clientId, request, image);
      },
      { body: t.Object({ file: t.File(), folder: t.Optional(t.String()) }) },
    )
    .get(
      '',
      async ({ clientId, query, request }) => {
        const page = await ctx.images.list(clientId, {
          folder: query.folder,
          recursive: query.recursive === 'true',
          q: query.q,
          page: query.page === undefined ? 1 : Number(query.page),
          pageSize: query.pageSize === undefined ? 24 : Number(query.pageSize),
        });
        const client = await ctx.accounts.getClient(clientId);
        const base = publicBase(ctx, request);
        return { ...page, items: page.items.map((image) => presentImage(image, client, base)) };
      },
      {
        query: t.Object({
          folder: t.Optional(t.String()),
          q: t.Optional(t.String({ maxLength: 200 })),
          // Plain decimal integers only: 1e3, 0x10, +5 and 010 are refused, not guessed at.
          page: t.Optional(t.String({ pattern: '^[1-9][0-9]{0,8}$' })),
          pageSize: t.Optional(t.String({ pattern: '^[1-9][0-9]{0,2}$' })),
          recursive: t.Optional(t.Union([t.Literal('true'), t.Literal('false')])),
        }),
      },
    )
    .get('/:id', async ({ clientId, params, request }) => present(clientId, request, await ctx.images.get(clientId, params.id)))
    .put(
      '/:id',
      async ({ clientId, params, body, request }) => {
        return present(clientId, request, await ctx.images.replace(clientId, params.id, await bytesOf(body.file)));
      },
      { body: t.Object({ file: t.File() }) },
    )
    .patch(
      '/:id',
      async ({ clientId, params, body, request }) => {
        return present(clientId, request, await ctx.images.update(clientId, params.id, body));
      },
      { body: t.Object({ originalName: t.Optional(t.String({ maxLength: 1000 })), folder: t.Optional(t.String()) }) },
    )
    .delete('/:id', async ({ clientId, params, set }) => {
      await ctx.images.delete(clientId, params.id);
      set.status = 204;
    });
};
