import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { CreateFolderBody, FolderTree, FolderView, RenameFolderBody } from '../../api/folders';
import { callerAuth, type AuthDeps } from '../auth';

const IdParams = t.Object({ id: t.String({ description: 'Folder id' }) });
const tags = ['folders'];

export const folderRoutes = (api: Api, auth: AuthDeps) => {
  const rename = {
    params: IdParams,
    ...knownFields(RenameFolderBody),
    body: RenameFolderBody,
    response: { 200: FolderView, ...apiErrors(404, 409) },
  };
  return new Elysia({ prefix: '/folders' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.folders.tree(caller), {
      response: { 200: FolderTree, ...apiErrors() },
      detail: { tags, operationId: 'listFolders', summary: 'The folder tree', description: 'Every folder, nested, with the number of images directly in each.' },
    })
    .post(
      '',
      async ({ caller, body, status }) => {
        const { folder, created } = await api.folders.create(caller, body.path);
        return created ? status(201, folder) : status(200, folder);
      },
      {
        ...knownFields(CreateFolderBody),
        body: CreateFolderBody,
        response: { 200: FolderView, 201: FolderView, ...apiErrors(409) },
        detail: { tags, operationId: 'createFolder', summary: 'Create a folder path', description: 'Creates every missing level; 201 when the leaf is new, 200 when it existed.' },
      },
    )
    .patch('/:id', ({ caller, params, body }) => api.folders.rename(caller, params.id, body.name), {
      ...rename,
      detail: { tags, operationId: 'renameFolder', summary: 'Rename a folder', description: 'The paths below follow.' },
    })
    .put('/:id', ({ caller, params, body }) => api.folders.rename(caller, params.id, body.name), {
      ...rename,
      detail: { tags, operationId: 'renameFolderPut', summary: 'Rename a folder (PUT)', description: 'The same as PATCH.' },
    })
    .delete(
      '/:id',
      async ({ caller, params, status }) => {
        await api.folders.delete(caller, params.id);
        return status(204, undefined);
      },
      {
        params: IdParams,
        response: { 204: t.Void({ description: 'Deleted, with its sub-folders and their images' }), ...apiErrors(404) },
        detail: { tags, operationId: 'deleteFolder', summary: 'Delete a folder' },
      },
    );
};
