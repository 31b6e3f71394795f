import type { AccountService } from '../core/accounts';
import type { QuotaService } from '../core/quotas';
import type { UserService } from '../core/users';
import type { AuditLog } from '../core/audit/audit-log';
import type { Downloads } from '../core/download';
import type { EagerVariants } from '../core/eager-variants';
import type { FolderService } from '../core/folders';
import type { ImageService } from '../core/images';
import type { ImageArchive } from '../core/image-archive';
import type { PresetService } from '../core/presets';
import type { PurgeTargetService } from '../core/purge/purge-targets';
import type { Trash } from '../core/trash';
import type { UrlSigner } from '../core/url-signer';
import type { UsageReports } from '../core/usage-report';
import type { WebhookService } from '../core/webhooks/webhooks';

/** The core services the API's use cases run on: the same for the server and the CLI's local mode. */
export interface ApiServices {
  accounts: AccountService;
  /** Each client's limits: shown with the client, set by owners and admins. */
  quotas: QuotaService;
  users: UserService;
  /** Every management change is recorded here (`src/api/audit.ts`: `auditRecorder`). */
  audit: AuditLog;
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
  usage: UsageReports;
}

/**
 * Who made a change: a dashboard user, an API key, or the CLI working on a data directory
 * (`local`, the operator of the machine). Recorded by the audit log; never a secret.
 */
export interface Actor {
  kind: 'user' | 'key' | 'local';
  id: string | null;
  name: string;
}

/** A dashboard user as an actor: the one place it is built, from a session or a user just made. */
export const userActor = (userId: string, username: string): Actor => ({ kind: 'user', id: userId, name: username });

/** Whom a call acts for, who is calling and from where, and the origin absolute URLs in its answer start with. */
export interface Caller {
  clientId: string;
  base: string;
  actor: Actor;
  /** The remote address as the server saw it; null for the CLI's local mode. */
  address: string | null;
}
