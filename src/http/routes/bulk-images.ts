import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { BulkBody, BulkResults, ZipBody } from '../../api/bulk-images';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { byteSize } from '../../core/byte-size';
import { LIMITS } from '../../core/limits';
import { callerAuth, type AuthDeps } from '../auth';

const tags = ['images'];

export const bulkImageRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/images' })
    .use(callerAuth(auth))
    .post('/bulk', ({ caller, body }) => api.bulk.change(caller, body), {
      // A mistyped `permanent` would otherwise send the images to the trash, answered ok.
      ...knownFields(BulkBody),
      body: BulkBody,
      response: { 200: BulkResults, ...apiErrors() },
      detail: {
        tags,
        operationId: 'bulkImages',
        summary: 'Move, delete, tag or untag many images',
        description:
          `Up to ${LIMITS.bulkIds} ids. The whole request is checked first (400, nothing changed); then each image changes on its own, ` +
          'fully or not at all, with the same events as a single change. Each id gets a result, in order: `ok`, or an `error` as an error body has it ' +
          '(`not_found` for an unknown id or another client’s).',
      },
    })
    .post(
      '/zip',
      async ({ caller, body }) => {
        const { stream } = await api.bulk.zip(caller, body);
        return new Response(stream, {
          headers: {
            'content-type': 'application/zip',
            'content-disposition': 'attachment; filename="images.zip"',
            'cache-control': 'no-store',
          },
        });
      },
      {
        ...knownFields(ZipBody),
        body: ZipBody,
        response: { 200: t.File({ type: 'application/zip', description: 'The ZIP archive, streamed' }), ...apiErrors(404) },
        detail: {
          tags,
          operationId: 'zipImages',
          summary: 'Download several originals as one ZIP',
          description:
            `The originals as uploaded, stored (not re-compressed), named by originalName made safe and distinct (\`a.jpg\`, \`a (2).jpg\`). ` +
            `Up to ${LIMITS.bulkIds} ids and ${byteSize(LIMITS.zipBytes)} in all (413 past it). Every id is checked before the archive starts: an unknown one is a 404.`,
        },
      },
    );
