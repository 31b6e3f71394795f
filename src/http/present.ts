import type { ClientRecord, FolderRecord, ImageRecord } from '../core/ports';
import { signedDeliveryPath } from '../core/delivery-path';

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
    version: image.version,
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
    deliveryBase: `/t/${client.id}`,
    thumbnailUrl: base + signedDeliveryPath(client, image.id, THUMBNAIL, 'webp'),
  };
}

export const presentFolder = (folder: FolderRecord) => ({
  id: folder.id,
  name: folder.name,
  path: folder.path,
  parentId: folder.parentId,
});
