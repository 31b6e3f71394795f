import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { errors } from '../../api/errors';
import { downloadName } from '../../core/download-name';
import { attachment } from '../content-disposition';
import { errorResponse } from '../errors';

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  return !!ifNoneMatch && ifNoneMatch.split(',').some((tag) => [etag, `W/${etag}`, '*'].includes(tag.trim()));
}

/**
 * What a file's Range header gets. Bun serves ranges of a file body itself, but answers one it
 * cannot satisfy with a bare 416 and reads the header more loosely than RFC 9110: only a single
 * `bytes=start-end` it can serve reaches it; one past the end is our 416 in the error shape,
 * anything else is ignored (the whole file, as a stream, which Bun does not cut).
 */
function rangeOf(header: string | undefined, size: number): 'none' | 'served' | 'unsatisfiable' | 'ignored' {
  if (header === undefined) return 'none';
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return 'ignored';
  const [first, last] = [match[1] === '' ? null : Number(match[1]), match[2] === '' ? null : Number(match[2])];
  if (first === null) return last === 0 ? 'unsatisfiable' : 'served';
  if (last !== null && last < first) return 'ignored';
  return first >= size ? 'unsatisfiable' : 'served';
}

/**
 * `GET /d/<clientId>/<signature>/<imageId>?v=<version>`: the original as uploaded, as an
 * attachment. Browsers revalidate each time (the ETag answers 304), so a trashed image stops
 * downloading at once; shared caches keep nothing. The sandbox CSP and nosniff keep an SVG
 * original from ever running as a page.
 */
export const downloadRoutes = (api: Api) =>
  new Elysia().get(
    '/d/:clientId/:signature/:imageId',
    async ({ params, query, headers }) => {
      const { image, contentType, body } = await api.download.open({ ...params, version: query.v });
      // The SHA-256 of the bytes: the same original, the same tag.
      const etag = `"${image.contentHash}"`;
      const common = {
        etag,
        'cache-control': 'private, no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      };
      if (matches(headers['if-none-match'], etag)) return new Response(null, { status: 304, headers: common });
      let payload: BodyInit = 'path' in body ? Bun.file(body.path) : (body.data as Uint8Array<ArrayBuffer>);
      if (payload instanceof Blob) {
        const range = rangeOf(headers.range, payload.size);
        if (range === 'unsatisfiable') {
          return errorResponse(416, 'range_not_satisfiable', `The range ${headers.range!.slice(0, 40)} asks for no byte of the file (${payload.size} bytes)`, { ...common, 'content-range': `bytes */${payload.size}` });
        }
        // Through a transform: Bun recognizes a file's own stream and would cut it still.
        if (range === 'ignored') payload = payload.stream().pipeThrough(new TransformStream());
      }
      return new Response(payload, {
        headers: { ...common, 'content-type': contentType, 'content-disposition': attachment(downloadName(image)) },
      });
    },
    {
      params: t.Object({ clientId: t.String(), signature: t.String(), imageId: t.String() }),
      query: t.Object({ v: t.Optional(t.String({ description: 'The image version the URL was signed for' })) }),
      response: { 200: t.File({ description: 'The original bytes, Content-Disposition: attachment' }), 304: t.Void({ description: 'Not modified (If-None-Match)' }), ...errors(400, 403, 404, 405, 414, 416) },
      detail: {
        tags: ['delivery'],
        operationId: 'downloadOriginal',
        summary: 'Download an original (signed URL)',
        description:
          "The image object's `downloadUrl`: no key or cookie, the signature (the client's signing secret, or the previous one during its grace) authorizes it. " +
          'The bytes as uploaded with their type; 404 once the image is trashed or deleted, or replaced (a new version has a new URL); 403 for a wrong signature.',
        security: [],
      },
    },
  );
