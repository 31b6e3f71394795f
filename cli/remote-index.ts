import { AppError } from '../src/core/errors';
import type { Backend, FolderTreeView, ImageView } from './backend/types';

const PAGE = 100;

/** Every image of a folder (and below, when recursive); a folder that does not exist has none. */
export async function allImages(backend: Backend, folder: string, recursive: boolean): Promise<ImageView[]> {
  const scope = folder.replace(/^\/+|\/+$/g, '');
  const images: ImageView[] = [];
  for (let page = 1; ; page++) {
    let result;
    try {
      result = await backend.listImages({ folder: scope || '/', recursive: recursive || undefined, page, pageSize: PAGE });
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return [];
      throw error;
    }
    images.push(...result.items);
    if (page * PAGE >= result.total || result.items.length === 0) return images;
  }
}

/** The folder at `path` in a tree, or null. */
export function findFolder(tree: FolderTreeView[], path: string): FolderTreeView | null {
  const wanted = path.replace(/^\/+|\/+$/g, '').normalize('NFC');
  const stack = [...tree];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.path === wanted) return node;
    if (wanted.startsWith(`${node.path}/`)) stack.push(...node.children);
  }
  return null;
}

/** Path of an image relative to `base` (`sub/dir/name.jpg`), or null when it is not below it. */
export function relativeTo(base: string, image: ImageView): string | null {
  const root = base.replace(/^\/+|\/+$/g, '');
  if (root === '') return image.folder ? `${image.folder}/${image.originalName}` : image.originalName;
  if (image.folder === root) return image.originalName;
  if (image.folder.startsWith(`${root}/`)) return `${image.folder.slice(root.length + 1)}/${image.originalName}`;
  return null;
}
