import type { AccountService } from '../core/accounts';
import type { EagerVariants } from '../core/eager-variants';
import type { FolderRecord, ImageRecord, PresetRecord } from '../core/ports';
import type { StoredEvent } from '../core/webhooks/webhooks';
import { presentFolder } from './folders';
import { presentImage } from './images';
import { presentPreset } from './presets';

/**
 * A webhook event's `data` as the API presents it: the image (with its `variants` counts at
 * send time), folder or preset object. Absolute URLs in it (an image's thumbnailUrl) start
 * with IMGAPI_PUBLIC_URL when set.
 */
export function presentEventData(deps: { accounts: Pick<AccountService, 'getClient'>; eager: Pick<EagerVariants, 'counts'>; base: string }) {
  return async (clientId: string, data: StoredEvent['data']): Promise<unknown> => {
    if (data.kind === 'image') {
      const image = data.record as ImageRecord;
      const counts = await deps.eager.counts(clientId, [image.id]);
      return presentImage(image, await deps.accounts.getClient(clientId), deps.base, counts.get(image.id));
    }
    if (data.kind === 'folder') return presentFolder(data.record as FolderRecord);
    return presentPreset(data.record as PresetRecord);
  };
}
