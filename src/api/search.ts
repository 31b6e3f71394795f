import { t } from 'elysia';
import { searchTerm } from '../core/images';
import { FolderView, presentFolder } from './folders';
import { ImageView, imagesApi } from './images';
import type { ApiServices, Caller } from './services';

const SEARCH_LIMIT = 50;

export const SearchQuery = t.Object({ q: t.String({ minLength: 1, maxLength: 200 }) });
export const SearchResult = t.Object({ images: t.Array(ImageView), folders: t.Array(FolderView) }, { title: 'SearchResult' });

/** Images and folders whose names contain `q` (up to 50 of each). */
export function searchApi(services: ApiServices) {
  const images = imagesApi(services);
  return {
    async search(caller: Caller, q: string) {
      // Checked once, before either search reaches the database.
      searchTerm(q);
      const [found, folders] = await Promise.all([
        services.images.search(caller.clientId, q, SEARCH_LIMIT),
        services.folders.search(caller.clientId, q, SEARCH_LIMIT),
      ]);
      return { images: await images.views(caller, found), folders: folders.map(presentFolder) };
    },
  };
}
