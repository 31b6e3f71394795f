import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { EmbedQuery, EmbedView } from '../../api/embed';
import { DeleteImageQuery } from '../../api/trash';
import { ImagePage, ImagePatch, ImageView, ListImagesQuery, ReplaceBody, UploadBody } from '../../api/images';
import { callerAuth, type AuthDeps } from '../auth';

const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer());

/**
 * Browsers (and fetch) write `"`, CR and LF in multipart file names as %22, %0D, %0A: undo just
 * that. `filename=""` arrives as no name at all.
 */
const multipartFileName = (name: string | undefined) => (name ?? '').replace(/%22/g, '"').replace(/(%0D|%0A)+/gi, ' ');

const IdParams = t.Object({ id: t.String({ description: 'Image id' }) });
const tags = ['images'];

export const imageRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/images' })
    .use(callerAuth(auth))
    .post(
      '',
      async ({ caller, body, status }) =>
        status(201, await api.images.upload(caller, { data: await bytesOf(body.file), fileName: multipartFileName(body.file.name), folder: body.folder })),
      {
        // A form field the upload does not take (tags=red, say) is refused, not dropped unseen.
        ...knownFields(UploadBody),
        body: UploadBody,
        response: { 201: ImageView, ...apiErrors(403, 409, 415, 422, 507) },
        detail: {
          tags,
          operationId: 'uploadImage',
          summary: 'Upload an image',
          description: 'Multipart `file`, optional `folder` path (created if missing). The type is read from the bytes: JPEG, PNG, WebP, AVIF, GIF, TIFF.',
        },
      },
    )
    .get('', ({ caller, query }) => api.images.list(caller, query), {
      query: ListImagesQuery,
      response: { 200: ImagePage, ...apiErrors(404) },
      detail: { tags, operationId: 'listImages', summary: 'List images', description: 'Newest first, a page at a time; by folder and name.' },
    })
    .get('/:id', ({ caller, params }) => api.images.get(caller, params.id), {
      params: IdParams,
      response: { 200: ImageView, ...apiErrors(404) },
      detail: { tags, operationId: 'getImage', summary: 'Get an image' },
    })
    .get('/:id/embed', ({ caller, params, query }) => api.embed.embed(caller, params.id, query), {
      params: IdParams,
      query: EmbedQuery,
      response: { 200: EmbedView, ...apiErrors(404) },
      detail: {
        tags,
        operationId: 'embedImage',
        summary: 'srcset, <img> and <picture> markup through a width-set preset',
        description: 'Unsigned URLs of the preset at each of its widths, as AVIF, WebP and JPEG; width and height of the largest, with the preset\'s aspect.',
      },
    })
    .put('/:id', async ({ caller, params, body }) => api.images.replace(caller, params.id, await bytesOf(body.file)), {
      params: IdParams,
      ...knownFields(ReplaceBody),
      body: ReplaceBody,
      response: { 200: ImageView, ...apiErrors(403, 404, 409, 415, 422, 507) },
      detail: {
        tags,
        operationId: 'replaceImage',
        summary: 'Replace an image’s file',
        description: 'Same id and URLs; version + 1, new ETag; cached variants of the old version are purged.',
      },
    })
    .patch('/:id', ({ caller, params, body }) => api.images.update(caller, params.id, body), {
      params: IdParams,
      // A mistyped field (or a form body's) would otherwise be a 200 that changed nothing.
      ...knownFields(ImagePatch),
      body: ImagePatch,
      response: { 200: ImageView, ...apiErrors(404, 409) },
      detail: {
        tags,
        operationId: 'updateImage',
        summary: 'Rename, move, tag or describe an image, or set its focal point',
        description:
          'Only the fields given change. `tags` replaces the set (normalized, at most 50), `alt` the alt text (at most 500 characters), `meta` the custom key/values (flat, at most 4 KB as JSON). ' +
          'Setting or clearing `focalPoint` purges the image’s cached variants; crops get new ETags, the URLs stay.',
      },
    })
    .delete(
      '/:id',
      async ({ caller, params, query, status }) => {
        await api.images.delete(caller, params.id, { permanent: query.permanent === 'true' });
        return status(204, undefined);
      },
      {
        params: IdParams,
        query: DeleteImageQuery,
        response: { 204: t.Void({ description: 'In the trash; with permanent=true deleted, with its files and cached variants' }), ...apiErrors(404) },
        detail: {
          tags,
          operationId: 'deleteImage',
          summary: 'Delete an image (to the trash)',
          description:
            'Moves the image to the trash: delivery answers 404 at once; restore it within IMGAPI_TRASH_DAYS (default 30). `permanent=true` deletes it for good at once, also one already in the trash.',
        },
      },
    );
