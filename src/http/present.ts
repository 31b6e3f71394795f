import type { FolderNode } from '../core/folders';
import type { ApiKeyRecord, ClientRecord, FolderRecord, ImageRecord, PresetRecord } from '../core/ports';
import { signedDeliveryPath } from '../core/delivery-path';
import { versionQuery } from '../core/url-signer';

const THUMBNAIL = { w: 240, f: 'webp', q: 75 } as const;

/** The image object of SPEC §6. */
export function presentImage(image: ImageRecord, client: ClientRecord, base: string) {
  return {
    id: image.id,
    originalName: image.originalName,
    folder: image.folderPath,
    folderId: image.folderId,
    format: image.format,
    width: image.width,
    height: image.height,
    bytes: image.bytes,
    /** SHA-256 of the original's bytes: lets sync tools skip unchanged files. */
    contentHash: image.contentHash,
    version: image.version,
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
    deliveryBase: `/t/${client.id}`,
    thumbnailUrl: base + signedDeliveryPath(client, image.id, THUMBNAIL, 'webp') + versionQuery(image.version),
  };
}

export const presentFolder = (folder: FolderRecord) => ({
  id: folder.id,
  name: folder.name,
  path: folder.path,
  parentId: folder.parentId,
});

export interface FolderTreeView extends ReturnType<typeof presentFolder> {
  imageCount: number;
  children: FolderTreeView[];
}

export const presentFolderNode = (node: FolderNode): FolderTreeView => ({
  ...presentFolder(node),
  imageCount: node.imageCount,
  children: node.children.map(presentFolderNode),
});

export const presentPreset = (p: PresetRecord) => ({ id: p.id, name: p.name, params: p.params, createdAt: p.createdAt });

export const presentKey = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
});

export type ImageView = ReturnType<typeof presentImage>;
export type FolderView = ReturnType<typeof presentFolder>;
export type PresetView = ReturnType<typeof presentPreset>;
export type KeyView = ReturnType<typeof presentKey>;
