import { Elysia, t } from 'elysia';
import { invalid } from '../../core/errors';
import type { AppContext } from '../../context';
import { callerAuth } from '../auth';
import { presentFolder, presentFolderNode } from '../present';

const renameBody = { body: t.Object({ name: t.String() }) };

export const folderRoutes = (ctx: AppContext) => {
  const rename = async ({ clientId, params, body }: { clientId: string; params: { id: string }; body: { name: string } }) =>
    presentFolder(await ctx.folders.rename(clientId, params.id, body.name));

  return new Elysia({ prefix: '/folders' })
    .use(callerAuth(ctx))
    .get('', async ({ clientId }) => ({ folders: (await ctx.folders.tree(clientId)).map(presentFolderNode) }))
    .post(
      '',
      async ({ clientId, body, set }) => {
        const { folder, created } = await ctx.folders.ensure(clientId, body.path);
        if (!folder) throw invalid('path must name a folder, not the root');
        set.status = created ? 201 : 200;
        return presentFolder(folder);
      },
      { body: t.Object({ path: t.String() }) },
    )
    .patch('/:id', rename, renameBody)
    .put('/:id', rename, renameBody)
    .delete('/:id', async ({ clientId, params, set }) => {
      await ctx.folders.delete(clientId, params.id);
      set.status = 204;
    });
};
