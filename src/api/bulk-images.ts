import { t, type Static } from 'elysia';
import { bulkChange, MAX_ID_CHARS, type BulkResult } from '../core/bulk-images';
import { LIMITS } from '../core/limits';
import type { ApiServices, Caller } from './services';
import { deleteAction } from './images';

const Ids = t.Array(t.String({ minLength: 1, maxLength: MAX_ID_CHARS }), {
  minItems: 1,
  maxItems: LIMITS.bulkIds,
  description: `Image ids, 1 to ${LIMITS.bulkIds}; a repeated id counts once`,
});

export const BulkBody = t.Object(
  {
    ids: Ids,
    action: t.Union(
      [t.Literal('move'), t.Literal('delete'), t.Literal('tag'), t.Literal('untag')],
      { description: 'move: to `folder`; delete: to the trash (or at once with `permanent`); tag / untag: add or remove `tags`' },
    ),
    folder: t.Optional(t.String({ description: 'move: the folder path, created if missing; "" for the root' })),
    tags: t.Optional(t.Array(t.String(), { description: 'tag / untag: the tags to add or remove' })),
    permanent: t.Optional(t.Boolean({ description: 'delete: past the trash, at once' })),
  },
  { title: 'BulkRequest' },
);
export type BulkBody = Static<typeof BulkBody>;

export const BulkResultView = t.Object(
  {
    id: t.String(),
    ok: t.Boolean(),
    error: t.Optional(t.Object({ code: t.String({ description: 'As an error body’s: not_found, conflict, invalid_input…' }), message: t.String() })),
  },
  { title: 'BulkResult' },
);

export const BulkResults = t.Object(
  { results: t.Array(BulkResultView, { description: 'One per distinct id, in the order given' }) },
  { title: 'BulkResults' },
);
export type BulkResults = Static<typeof BulkResults>;

export const ZipBody = t.Object({ ids: Ids }, { title: 'ZipRequest' });
export type ZipBody = Static<typeof ZipBody>;

/** Bulk changes and ZIP downloads: the use cases behind `/api/v1/images/bulk` and `/images/zip`. */
export function bulkImagesApi(services: ApiServices) {
  const { images, archive } = services;
  return {
    async change(caller: Caller, body: BulkBody): Promise<{ results: BulkResult[] }> {
      const results = await bulkChange(images, caller.clientId, body);
      // One entry per image changed, with the action a single request would record: an image's
      // history reads the same whichever way it was changed. Bulk entries name the image by id.
      const action = body.action === 'delete' ? deleteAction(services, body.permanent) : 'image.update';
      const { actor, clientId, address } = caller;
      await services.audit.record(results.filter((r) => r.ok).map((r) => ({ actor, clientId, action, target: { id: r.id }, address })));
      return { results };
    },
    zip: (caller: Caller, body: ZipBody) => archive.zip(caller.clientId, body.ids),
  };
}
