import type { ImagePage, ImagePatch, ImageView, ListImagesQuery as WireQuery } from '../../src/api/images';
import type { FolderTreeView, FolderView } from '../../src/api/folders';
import type { CreatedKey, KeyView } from '../../src/api/keys';
import type { CreatePresetBody, PresetView, UpdatePresetBody, WarmProgress } from '../../src/api/presets';
import type { CreatePurgeTargetBody, PurgeAttemptView, PurgeTargetView } from '../../src/api/purge-targets';
import type { SignBody, SignedUrl } from '../../src/api/sign';
import type { RotatedSecret, RotateSecretBody } from '../../src/api/signing-secret';
import type { EmbedQuery, EmbedView } from '../../src/api/embed';
import type { BulkBody, BulkResults } from '../../src/api/bulk-images';
import type { AuditPage, AuditQuery } from '../../src/api/audit';
import type { TrashPage, TrashQuery } from '../../src/api/trash';
import type { UsageQuery, UsageView } from '../../src/api/usage';
import type { QuotaStatus } from '../../src/api/quotas';
import type { QuotaPatch } from '../../src/core/quotas';
import type { BulkResult } from '../../src/core/bulk-images';
import type { ListingParams } from '../../src/core/listing-filters';
import type { CreatedWebhook, CreateWebhookBody, DeliveryView, WebhookView } from '../../src/api/webhooks';

export type { CreatedWebhook, CreateWebhookBody, DeliveryView, WebhookView };
export type { BulkBody, BulkResult, BulkResults };
export type { AuditPage, AuditQuery };
export type { TrashPage, TrashQuery };
export type { UsageQuery, UsageView };

export type { CreatedKey, CreatePurgeTargetBody, FolderTreeView, FolderView, ImagePage, ImagePatch, ImageView, KeyView, PresetView, PurgeAttemptView, PurgeTargetView, SignedUrl, WarmProgress };

/** Changes made on the data directory itself are the machine operator's, as the audit log records them. */
export const LOCAL_ACTOR = { kind: 'local', id: null, name: 'cli' } as const;

/** A listing as commands express it; both backends send it as the API's query. */
export interface ListImagesQuery {
  folder?: string;
  recursive?: boolean;
  q?: string;
  /** Only images with this tag. */
  tag?: string;
  page?: number;
  pageSize?: number;
  /** Order and filters, as the user typed them: the API checks them (see `src/core/listing-filters.ts`). */
  listing?: ListingParams;
}

export const toWireQuery = (q: ListImagesQuery): WireQuery => ({
  ...(q.listing as Partial<WireQuery>),
  folder: q.folder,
  q: q.q,
  tag: q.tag,
  page: q.page === undefined ? undefined : String(q.page),
  pageSize: q.pageSize === undefined ? undefined : String(q.pageSize),
  recursive: q.recursive === undefined ? undefined : q.recursive ? 'true' : 'false',
});

/**
 * What the CLI does to one client's media. Local mode calls the API's use cases directly;
 * remote mode calls the same API through its typed client. Commands see only this.
 */
export interface Backend {
  readonly mode: 'local' | 'remote';
  /** The audit log (`GET /audit`): local mode every client's (the machine's operator), remote mode the key's client's. */
  listAudit(query: AuditQuery): Promise<AuditPage>;
  /** What the client stores and its traffic per UTC day (`GET /usage`). */
  usage(query: UsageQuery): Promise<UsageView>;
  /** The client's limits and what it stores now (`GET /quotas`). */
  quotas(): Promise<QuotaStatus>;
  /** Sets the client's limits: local mode only (an API key may not change its own client's limits). */
  setQuotas(patch: QuotaPatch): Promise<QuotaStatus>;
  uploadImage(input: { data: Uint8Array; fileName: string; folder: string }): Promise<ImageView>;
  replaceImage(id: string, data: Uint8Array): Promise<ImageView>;
  listImages(query: ListImagesQuery): Promise<ImagePage>;
  getImage(id: string): Promise<ImageView>;
  /** Only the fields given change (`focalPoint: null` clears the point). */
  updateImage(id: string, patch: ImagePatch): Promise<ImageView>;
  deleteImage(id: string): Promise<void>;
  /** The trash, a page at a time (most recently deleted first). */
  listTrash(query: TrashQuery): Promise<TrashPage>;
  /** Back from the trash into its folder; 404 once deleted for good, 409 when not in the trash. */
  restoreImage(id: string): Promise<ImageView>;
  /** One action on many images (at most LIMITS.bulkIds): a result per distinct id, in order. */
  bulkImages(body: BulkBody): Promise<BulkResults>;
  folderTree(): Promise<FolderTreeView[]>;
  createFolder(path: string): Promise<FolderView>;
  renameFolder(id: string, name: string): Promise<FolderView>;
  deleteFolder(id: string): Promise<void>;
  sign(input: SignBody): Promise<SignedUrl>;
  embed(imageId: string, query: EmbedQuery): Promise<EmbedView>;
  listPresets(): Promise<PresetView[]>;
  createPreset(input: CreatePresetBody): Promise<PresetView>;
  /** Only the fields given change (`widths: null` clears them, `formats: null` resets them). */
  updatePreset(id: string, patch: UpdatePresetBody): Promise<PresetView>;
  deletePreset(id: string): Promise<void>;
  /** Queues the preset's variants of existing images (in `folder` and below). */
  warmPreset(id: string, folder?: string): Promise<WarmProgress>;
  /** With `since` (from warmPreset): only the variants that warm queued. */
  warmProgress(id: string, since?: string): Promise<WarmProgress>;
  /**
   * Local mode: works off the eager queue in this process (no server may be running); returns
   * how to stop. Remote mode has none: the server's workers compute.
   */
  workEagerQueue?(): Promise<() => Promise<void>>;
  listKeys(): Promise<KeyView[]>;
  createKey(name: string): Promise<CreatedKey>;
  revokeKey(id: string): Promise<void>;
  /** The client's new URL-signing secret; the old one verifies for the grace. `clientId` must be the backend's own. */
  rotateSigningSecret(input: RotateSecretBody): Promise<RotatedSecret>;
  listPurgeTargets(): Promise<PurgeTargetView[]>;
  createPurgeTarget(input: CreatePurgeTargetBody): Promise<PurgeTargetView>;
  deletePurgeTarget(id: string): Promise<void>;
  purgeTargetLog(id: string): Promise<PurgeAttemptView[]>;
  listWebhooks(): Promise<WebhookView[]>;
  createWebhook(input: CreateWebhookBody): Promise<CreatedWebhook>;
  deleteWebhook(id: string): Promise<void>;
  webhookDeliveries(id: string): Promise<DeliveryView[]>;
  /** Queues a webhook.test event; a running server (local mode: the next one started) sends it. */
  testWebhook(id: string): Promise<{ id: string }>;
  close(): Promise<void>;
}
