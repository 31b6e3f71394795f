import type { AccountService } from '../core/accounts';
import type { Downloads } from '../core/download';
import type { EagerVariants } from '../core/eager-variants';
import type { FolderService } from '../core/folders';
import type { ImageService } from '../core/images';
import type { ImageArchive } from '../core/image-archive';
import type { PresetService } from '../core/presets';
import type { PurgeTargetService } from '../core/purge/purge-targets';
import type { Trash } from '../core/trash';
import type { UrlSigner } from '../core/url-signer';
import type { UsageRepository } from '../core/usage';
import type { WebhookService } from '../core/webhooks/webhooks';

/** The core services the API's use cases run on: the same for the server and the CLI's local mode. */
export interface ApiServices {
  accounts: AccountService;
  folders: FolderService;
  images: ImageService;
  trash: Trash;
  archive: ImageArchive;
  downloads: Downloads;
  presets: PresetService;
  purgeTargets: PurgeTargetService;
  eager: EagerVariants;
  urls: UrlSigner;
  webhooks: WebhookService;
  usage: UsageRepository;
}

/** Whom a call acts for, and the origin absolute URLs in its answer start with. */
export interface Caller {
  clientId: string;
  base: string;
}
