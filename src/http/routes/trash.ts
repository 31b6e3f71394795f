import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { ImageView } from '../../api/images';
import { TrashPage, TrashQuery } from '../../api/trash';
import { callerAuth, type AuthDeps } from '../auth';

const tags = ['images'];

export const trashRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia()
    .use(callerAuth(auth))
    .get('/trash', ({ caller, query }) => api.trash.list(caller, query), {
      query: TrashQuery,
      response: { 200: TrashPage, ...apiErrors() },
      detail: {
        tags,
        operationId: 'listTrash',
        summary: 'List the trash',
        description: 'Images deleted without `permanent`, most recently trashed first, each with when it was trashed and when it is deleted for good.',
      },
    })
    .post('/images/:id/restore', ({ caller, params }) => api.trash.restore(caller, params.id), {
      params: t.Object({ id: t.String({ description: 'Image id' }) }),
      response: { 200: ImageView, ...apiErrors(403, 404, 409) },
      detail: {
        tags,
        operationId: 'restoreImage',
        summary: 'Restore an image from the trash',
        description:
          'Back in its folder (created again if it was deleted meanwhile), with the same id and URLs. 404 once it is deleted for good; 409 when the image is not in the trash.',
      },
    });
