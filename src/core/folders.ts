import { noChangeOutbox, type ChangeSubscriber } from './outbox/change-events';
import type { ChangeFeed } from './change-feed';
import { notFound } from './errors';
import { newId } from './ids';
import { removeImageFiles, type MediaStores } from './media-store';
import { parseFolderPath, validateFolderName } from './names';
import type { FolderRecord, FolderWithCount, Repositories, TrashStamp } from './ports';

export interface FolderNode extends FolderWithCount {
  /** Images in this folder and every folder below it. */
  totalImageCount: number;
  children: FolderNode[];
}

function countBelow(node: FolderNode): number {
  node.totalImageCount = node.imageCount + node.children.reduce((sum, child) => sum + countBelow(child), 0);
  return node.totalImageCount;
}

export interface FolderDeps {
  repos: Pick<Repositories, 'folders'>;
  feed: ChangeFeed;
  stores: MediaStores;
  now: () => string;
  /** Folders one client may have (IMGAPI_MAX_FOLDERS). */
  maxFolders: number;
  /** Outbox rows (webhooks, purges) each change writes in its own transaction. */
  outbox?: ChangeSubscriber;
  /** Where a deleted folder's images go; absent, or a null stamp (trash off): they go for good. */
  trash?: { stamp(): TrashStamp | null };
}

export function createFolderService(deps: FolderDeps) {
  const { repos, stores, now, feed, maxFolders } = deps;
  const outbox = deps.outbox ?? noChangeOutbox;

  /**
   * A folder made before today's name rules (a leading space, an invisible character) is
   * still found by the path it was made with, rather than shadowed by a cleaned-up twin.
   */
  async function legacy(clientId: string, path: string, cleaned: string): Promise<FolderRecord | null> {
    const raw = path.replace(/^\/+|\/+$/g, '');
    return raw === cleaned || raw.length > 4 * 1024 ? null : repos.folders.getByPath(clientId, raw);
  }

  return {
    /** Creates every missing level of `path`; null for the root. */
    async ensure(clientId: string, path: string): Promise<{ folder: FolderRecord | null; created: boolean }> {
      const segments = parseFolderPath(path);
      if (segments.length === 0) return { folder: null, created: false };
      const old = await legacy(clientId, path, segments.join('/'));
      if (old) return { folder: old, created: false };
      return repos.folders.ensurePath(clientId, segments, newId, now(), maxFolders, (made) =>
        made.flatMap((folder) => outbox({ type: 'folder.created', clientId, at: folder.createdAt, folder })),
      );
    },

    async getByPath(clientId: string, path: string): Promise<FolderRecord> {
      const cleaned = parseFolderPath(path).join('/');
      const folder = (await repos.folders.getByPath(clientId, cleaned)) ?? (await legacy(clientId, path, cleaned));
      if (!folder) throw notFound('Folder');
      return folder;
    },

    async get(clientId: string, id: string): Promise<FolderRecord> {
      const folder = await repos.folders.get(clientId, id);
      if (!folder) throw notFound('Folder');
      return folder;
    },

    async tree(clientId: string): Promise<FolderNode[]> {
      const nodes = new Map<string, FolderNode>();
      const roots: FolderNode[] = [];
      // Ordered by path, so a parent always comes before its children.
      for (const folder of await repos.folders.listWithCounts(clientId)) {
        const node: FolderNode = { ...folder, totalImageCount: folder.imageCount, children: [] };
        nodes.set(node.id, node);
        const parent = node.parentId ? nodes.get(node.parentId) : undefined;
        (parent ? parent.children : roots).push(node);
      }
      roots.forEach(countBelow);
      return roots;
    },

    rename(clientId: string, id: string, name: string): Promise<FolderRecord> {
      return repos.folders.rename(clientId, id, validateFolderName(name), ({ folder, previous }) =>
        outbox({ type: 'folder.renamed', clientId, at: now(), folder, previous }),
      );
    },

    /** Deletes the folder and its sub-folders; their images go to the trash (for good when it is off). */
    async delete(clientId: string, id: string): Promise<{ deletedImages: number }> {
      const trash = deps.trash?.stamp() ?? undefined;
      const images = await repos.folders.delete(
        clientId,
        id,
        ({ folder, images }) => outbox({ type: 'folder.deleted', clientId, at: now(), folder, images }),
        trash,
      );
      for (const image of images) {
        await feed.publish({ kind: 'image', clientId, imageId: image.id });
        if (!trash) await removeImageFiles(stores, image);
      }
      return { deletedImages: images.length };
    },

    search: (clientId: string, q: string, limit: number) => repos.folders.search(clientId, q.toLowerCase(), limit),
  };
}

export type FolderService = ReturnType<typeof createFolderService>;
