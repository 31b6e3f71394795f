import { PageQueryFields, pagingOf } from './paging';
import { t, type Static } from 'elysia';
import { ImageView, imagesApi, imageTarget } from './images';
import { auditRecorder } from './audit';
import { Integer } from './integer';
import type { ApiServices, Caller } from './services';

export const TrashItem = t.Object(
  {
    image: ImageView,
    trashedAt: t.String({ format: 'date-time' }),
    purgeAt: t.String({ format: 'date-time', description: 'When the background job deletes it for good (trashedAt + IMGAPI_TRASH_DAYS)' }),
  },
  { title: 'TrashItem', description: 'A trashed image: out of listings, search and delivery (404) until restored' },
);

export const TrashPage = t.Object(
  { items: t.Array(TrashItem), total: Integer(), page: Integer(), pageSize: Integer() },
  { title: 'TrashPage' },
);
export type TrashPage = Static<typeof TrashPage>;

export const TrashQuery = t.Object({
  ...PageQueryFields,
});
export type TrashQuery = Static<typeof TrashQuery>;

export const DeleteImageQuery = t.Object({
  permanent: t.Optional(
    t.Union([t.Literal('true'), t.Literal('false')], {
      description: 'true: delete at once, with its files and cached variants (also for an image already in the trash); default false: move to the trash',
    }),
  ),
});
export type DeleteImageQuery = Static<typeof DeleteImageQuery>;

/** The trash: the use cases behind `/api/v1/trash` and `POST /api/v1/images/:id/restore`. */
export function trashApi(services: ApiServices) {
  const { trash } = services;
  const { views } = imagesApi(services);
  return {
    async list(caller: Caller, query: TrashQuery): Promise<TrashPage> {
      const paging = pagingOf(query);
      const page = await trash.list(caller.clientId, paging.page, paging.pageSize);
      const images = await views(caller, page.items.map((item) => item.image));
      return { ...page, items: page.items.map((item, i) => ({ image: images[i]!, trashedAt: item.trashedAt, purgeAt: item.purgeAt })) };
    },
    async restore(caller: Caller, id: string) {
      const image = await trash.restore(caller.clientId, id);
      await auditRecorder(services.audit)(caller, 'image.restore', imageTarget(image));
      return (await views(caller, [image]))[0]!;
    },
  };
}
