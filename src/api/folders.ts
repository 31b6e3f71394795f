import { Integer } from './integer';
import { t, type Static } from 'elysia';
import { invalid } from '../core/errors';
import type { FolderNode } from '../core/folders';
import type { FolderRecord } from '../core/ports';
import type { ApiServices, Caller } from './services';
import { auditRecorder } from './audit';

const folderFields = {
  id: t.String(),
  name: t.String(),
  path: t.String({ description: 'Full path, e.g. clients/acme' }),
  parentId: t.Union([t.String(), t.Null()]),
};

export const FolderView = t.Object(folderFields, { title: 'Folder' });
export type FolderView = Static<typeof FolderView>;

export interface FolderTreeView extends FolderView {
  imageCount: number;
  totalImageCount: number;
  children: FolderTreeView[];
}

// Elysia's types and validators do not understand TypeBox's t.Recursive: a node's children
// refer to the node by $ref (the schema is registered as an OpenAPI component, see
// `schemaComponents`) and are not validated again on the way out.
const ChildNode = t.Any({ $ref: '#/components/schemas/FolderTreeNode' }) as unknown as ReturnType<typeof t.Unsafe<FolderTreeView>>;

export const FolderTreeNode = t.Object(
  {
    ...folderFields,
    imageCount: Integer({ description: 'Images directly in this folder' }),
    totalImageCount: Integer({ description: 'Images in this folder and all its sub-folders' }),
    children: t.Array(ChildNode),
  },
  { title: 'FolderTreeNode' },
);

export const FolderTree = t.Object({ folders: t.Array(FolderTreeNode) }, { title: 'FolderTree' });
export const CreateFolderBody = t.Object({ path: t.String({ description: 'a/b/c: every missing level is created' }) });
export const RenameFolderBody = t.Object({ name: t.String() });

export const presentFolder = (folder: FolderRecord): FolderView => ({
  id: folder.id,
  name: folder.name,
  path: folder.path,
  parentId: folder.parentId,
});

const presentNode = (node: FolderNode): FolderTreeView => ({
  ...presentFolder(node),
  imageCount: node.imageCount,
  totalImageCount: node.totalImageCount,
  children: node.children.map(presentNode),
});

/** Folders: the use cases behind `/api/v1/folders` and the CLI's folder commands. */
export function foldersApi(services: ApiServices) {
  const { folders } = services;
  const audit = auditRecorder(services.audit);
  return {
    tree: async (caller: Caller) => ({ folders: (await folders.tree(caller.clientId)).map(presentNode) }),
    /** The leaf of `path`, and whether it is new. */
    async create(caller: Caller, path: string): Promise<{ folder: FolderView; created: boolean }> {
      const { folder, created } = await folders.ensure(caller.clientId, path);
      if (!folder) throw invalid('path must name a folder, not the root');
      if (created) await audit(caller, 'folder.create', { id: folder.id, name: folder.path });
      return { folder: presentFolder(folder), created };
    },
    async rename(caller: Caller, id: string, name: string) {
      const folder = await folders.rename(caller.clientId, id, name);
      await audit(caller, 'folder.rename', { id: folder.id, name: folder.path });
      return presentFolder(folder);
    },
    delete: async (caller: Caller, id: string) => {
      const folder = await folders.get(caller.clientId, id);
      await folders.delete(caller.clientId, id);
      await audit(caller, 'folder.delete', { id: folder.id, name: folder.path });
    },
  };
}
