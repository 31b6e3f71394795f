import type { FolderTreeView } from './api';
import type { Selection } from './route';

/** The folders directly inside `selected` (the top level for all images and for the root). */
export function subFolders(tree: FolderTreeView[], selected: Selection): FolderTreeView[] {
  if (!selected) return tree;
  let level = tree;
  for (const name of selected.split('/')) {
    const node = level.find((f) => f.name === name);
    if (!node) return [];
    level = node.children;
  }
  return level;
}

const count = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

/** The sub-folders of the folder shown, as tiles ahead of its images; a click opens one. */
export function FolderTiles({ folders, onOpen }: { folders: FolderTreeView[]; onOpen: (path: string) => void }) {
  if (folders.length === 0) return null;
  return (
    <ul class="folder-tiles" aria-label="Folders">
      {folders.map((folder) => (
        <li key={folder.id} data-testid="folder-tile">
          {/* Named by its text, read as "Folder shoes, 2 images" (see `.said-comma` in image-tile.tsx). */}
          <button type="button" onClick={() => onOpen(folder.path)}>
            <span class="folder-icon" aria-hidden="true" />
            <span class="name" title={folder.path}>
              <span class="said-folder" />
              {folder.name}
              <span class="said-comma" />
            </span>
            <span class="muted">
              {count(folder.totalImageCount)}
              {folder.children.length > 0 ? ` · ${folder.children.length} folder${folder.children.length === 1 ? '' : 's'}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
