/**
 * The interfaces the core depends on, each implemented twice: SQLite and PostgreSQL for the
 * repositories, the filesystem and an S3 bucket for blobs. The core cannot tell which it has.
 */
import type { SourceFormat } from './image-probe';
import type { Role } from './roles';
import type { Placeholder } from './placeholder';
import type { ImageMeta } from './image-labels';
import type { OutboxMessage, OutboxRepository, OutboxWrite } from './outbox/ports';
import type { WebhookRepository } from './webhooks/ports';
import type { PurgeTargetRepository } from './purge/ports';
import type { OutputFormat } from './transform/types';
import type { UsageRepository } from './usage';
import type { QuotaRepository, StoredGuard } from './quotas';
import type { TransformBudget } from './transform-budget';
import type { AuditRepository } from './audit/ports';

export interface ClientRecord {
  id: string;
  name: string;
  signingSecret: string;
  createdAt: string;
  /** The secret before the last rotation, verifying URLs until `validUntil` (ISO); absent once none. */
  previousSecret?: { secret: string; validUntil: string };
}

export interface ApiKeyRecord {
  id: string;
  clientId: string;
  name: string;
  /** The first characters of the key, shown so a user can tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** The dashboard user who made the key; null when the CLI or another key made it. */
  createdBy: string | null;
}

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  /** The clients granted (what members and viewers reach; kept but unused for owners and admins). */
  clientIds: string[];
  /** When disabled: such a user cannot log in and has no session. */
  disabledAt: string | null;
  createdAt: string;
}

/** A pending (or used) one-time invitation; its token is stored only as a hash. */
export interface InviteRecord {
  id: string;
  role: Role;
  clientIds: string[];
  /** The id of the user who invited, null from the CLI. */
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface PasswordResetRecord {
  userId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface FolderRecord {
  id: string;
  clientId: string;
  parentId: string | null;
  name: string;
  path: string;
  createdAt: string;
}

/** A place in an image as fractions (0–1) of its width and height after EXIF orientation. */
export interface FocalPoint {
  x: number;
  y: number;
}

export interface ImageRecord {
  id: string;
  clientId: string;
  folderId: string | null;
  /** Path of the folder, '' for the root. */
  folderPath: string;
  originalName: string;
  format: SourceFormat;
  width: number;
  height: number;
  bytes: number;
  hasAlpha: boolean;
  /** Frames of an animated GIF or WebP (1 for a still image). */
  frames: number;
  contentHash: string;
  /** Blob key of the original; new for every version so concurrent replaces never share a file. */
  originalKey: string;
  version: number;
  /** What cover crops centre on when a transform names no gravity; kept across replaces. */
  focalPoint: FocalPoint | null;
  /** Computed from each version's pixels; null for an image stored before placeholders (`doctor --backfill`). */
  placeholder: Placeholder | null;
  /** Normalized, distinct, in the order given (see `image-labels.ts`). */
  tags: string[];
  alt: string;
  meta: ImageMeta;
  createdAt: string;
  updatedAt: string;
}

export interface PresetRecord {
  id: string;
  clientId: string;
  name: string;
  params: string;
  /** A width-set preset's widths, ascending; null for a preset without. */
  widths: number[] | null;
  /** Its variants are computed in the background on upload and replace (see `eager-variants.ts`). */
  eager: boolean;
  /** The output formats eager work and `preset warm` compute; null: the preset's own (its f, else webp). */
  formats: OutputFormat[] | null;
  createdAt: string;
}

/** One variant to compute in the background: the delivery path (and Accept, for f_auto) naming it. */
export interface EagerJobSpec {
  clientId: string;
  imageId: string;
  imageVersion: number;
  presetId: string;
  /** A delivery path as `deliver` takes it (no `/t/`). */
  path: string;
  /** '' but for an f_auto preset, whose format the Accept header chooses. */
  accept: string;
}

/** An image version's eager jobs, written in the transaction of its row: other versions' jobs go, these are added pending. */
export interface EagerJobsWrite {
  jobs: readonly (EagerJobSpec & { id: string })[];
  now: string;
}

export interface EagerJob extends EagerJobSpec {
  id: string;
  attempts: number;
}

export type EagerJobState = 'pending' | 'running' | 'done' | 'failed';

export interface EagerJobRepository {
  /** Drops the image's jobs of other versions (a replace supersedes them) and adds these, pending. */
  replaceForImage(image: Pick<ImageRecord, 'id' | 'version'>, jobs: readonly (EagerJobSpec & { id: string })[], now: string): Promise<void>;
  /** Adds jobs, or makes existing ones of the same variant pending again (queued `now`) unless running (warm). */
  enqueue(jobs: readonly (EagerJobSpec & { id: string })[], now: string): Promise<void>;
  /**
   * Atomically takes the oldest pending job (or one claimed before `staleBefore`, whose node
   * died) for this caller: no two callers, on any node, get the same job. A stale job already
   * claimed `maxAttempts` times is recorded failed instead: it may be what stops the node.
   * Jobs of `exceptClients` (out of transforms this minute) stay where they are in the queue.
   */
  claim(now: string, staleBefore: string, maxAttempts: number, exceptClients?: readonly string[]): Promise<EagerJob | null>;
  /** Records the outcome; `retry` puts it back to pending. */
  finish(id: string, outcome: 'done' | 'failed' | 'retry', error: string | null): Promise<void>;
  /** Per image (its current version's jobs): variants not yet computed and computed. */
  countsByImage(clientId: string, imageIds: readonly string[]): Promise<Map<string, { pending: number; ready: number; failed: number }>>;
  /** One preset's jobs by state; with `since`, only those queued (or queued again) at or after it: one warm's. */
  countsByPreset(presetId: string, since?: string): Promise<Record<EagerJobState, number>>;
  /** Every job by state, for /metrics. */
  totals(): Promise<Record<EagerJobState, number>>;
}

/** Which images a listing covers. */
export type FolderScope =
  | { kind: 'all' }
  | { kind: 'root' }
  | { kind: 'folder'; folder: FolderRecord; recursive: boolean };

/** A listing's order; each breaks ties by id, in the same direction, so pages never overlap. */
export type ImageSort = 'newest' | 'oldest' | 'name' | 'size' | 'width';

/** Narrows a listing beyond its scope; an absent field matches every image. */
export interface ImageFilters {
  format?: SourceFormat;
  orientation?: 'landscape' | 'portrait' | 'square';
  minWidth?: number;
  /** Inclusive bounds on createdAt, as stored: UTC ISO 8601 with milliseconds. */
  createdFrom?: string;
  createdTo?: string;
}

export interface ImageQuery {
  clientId: string;
  scope: FolderScope;
  /** Lower-cased substring of the original name, the alt text or a tag. */
  nameContains?: string;
  /** A normalized tag the image has. */
  tag?: string;
  /** Absent: newest first. */
  sort?: ImageSort;
  filters?: ImageFilters;
  limit: number;
  offset: number;
}

export interface ClientRepository {
  insert(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | null>;
  list(): Promise<ClientRecord[]>;
  /**
   * Sets a new signing secret and the previous one (null: none) if the current secret is still
   * `current`; false when there is no such client or another rotation came first.
   */
  rotateSecret(id: string, current: string, secret: string, previous: { secret: string; validUntil: string } | null): Promise<boolean>;
  /** False when there is no such client. */
  rename(id: string, name: string): Promise<boolean>;
  /** Deletes the client and, by cascade, its keys, folders, presets, webhooks and purge targets; false when none. */
  delete(id: string): Promise<boolean>;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord, keyHash: string): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  list(clientId: string): Promise<ApiKeyRecord[]>;
  /** The keys a user made, on every client. */
  listByCreator(userId: string): Promise<ApiKeyRecord[]>;
  /** How many keys each user made (users with none are left out). */
  countByCreator(): Promise<Map<string, number>>;
  /** Returns false when no such key belongs to the client. */
  delete(clientId: string, id: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}

export interface UserRepository {
  /** With its granted clients (ids of clients that no longer exist are left out); conflict: the name is taken. */
  insert(user: UserRecord): Promise<void>;
  findByUsername(username: string): Promise<UserRecord | null>;
  get(id: string): Promise<UserRecord | null>;
  /** Every user, oldest first. */
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /** The granted client ids alone (what every session request of a member needs). */
  clientIds(userId: string): Promise<string[]>;
  /** False when no such user. */
  update(id: string, change: { role?: Role; disabledAt?: string | null; passwordHash?: string }): Promise<boolean>;
  /**
   * Sets role and/or disabled in one transaction with the check that an enabled owner remains,
   * the owners locked meanwhile (so two processes demoting two owners at once cannot both pass).
   * 'last_owner': refused, nothing changed.
   */
  updateAccess(id: string, change: { role?: Role; disabledAt?: string | null }): Promise<'updated' | 'not_found' | 'last_owner'>;
  /** Replaces the granted clients (unknown client ids are left out). */
  setClients(userId: string, clientIds: readonly string[]): Promise<void>;
  /** Adds one grant (kept if already there; left out for an unknown client). */
  grant(userId: string, clientId: string): Promise<void>;
  /** Removes one grant; false when it was not granted. */
  revoke(userId: string, clientId: string): Promise<boolean>;
}

export interface InviteRepository {
  insert(invite: InviteRecord, tokenHash: string): Promise<void>;
  findByHash(tokenHash: string): Promise<InviteRecord | null>;
  /** Invitations neither used nor expired at `now`, oldest first. */
  listPending(now: string): Promise<InviteRecord[]>;
  /**
   * In one transaction: marks the invitation used (only when unused and unexpired at `now`)
   * and inserts the user with the invitation's role and clients. False when it was not
   * usable; conflict (nothing changed) when the user name is taken.
   */
  accept(tokenHash: string, now: string, user: Omit<UserRecord, 'role' | 'clientIds'>): Promise<boolean>;
  /** Withdraws a pending invitation; false when there is none by that id. */
  delete(id: string): Promise<boolean>;
}

export interface PasswordResetRepository {
  insert(reset: PasswordResetRecord, tokenHash: string): Promise<void>;
  findByHash(tokenHash: string): Promise<PasswordResetRecord | null>;
  /**
   * In one transaction: marks the link used (only when unused and unexpired at `now`), sets
   * the user's password and ends all their sessions. The user's id, or null when not usable.
   */
  accept(tokenHash: string, now: string, passwordHash: string): Promise<string | null>;
}

export interface SessionRecord {
  userId: string;
  username: string;
  role: Role;
  expiresAt: string;
}

export interface SessionRepository {
  insert(tokenHash: string, userId: string, createdAt: string, expiresAt: string): Promise<void>;
  /** The live session for a token hash, or null (unknown, expired at `now`, or its user disabled). */
  find(tokenHash: string, now: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: string): Promise<void>;
  /** Ends every session of a user, but the one with `exceptTokenHash`. */
  deleteForUser(userId: string, exceptTokenHash?: string): Promise<void>;
}

export interface FolderWithCount extends FolderRecord {
  imageCount: number;
}

export interface FolderRepository {
  get(clientId: string, id: string): Promise<FolderRecord | null>;
  getByPath(clientId: string, path: string): Promise<FolderRecord | null>;
  /**
   * Creates every missing level of the path; returns the leaf and whether it was new. Creates
   * nothing (conflict) when the client would then have more than `maxFolders` folders.
   */
  ensurePath(
    clientId: string,
    segments: readonly string[],
    newId: () => string,
    now: string,
    maxFolders: number,
    /** Outbox rows for the folders it created (parents first), in the same transaction. */
    outbox?: OutboxWrite<FolderRecord[]>,
  ): Promise<{ folder: FolderRecord; created: boolean }>;
  listWithCounts(clientId: string): Promise<FolderWithCount[]>;
  /**
   * Renames the folder; the paths of everything below follow. Throws conflict on a sibling
   * clash, invalid input when a path below would grow past the length limit.
   */
  rename(clientId: string, id: string, name: string, outbox?: OutboxWrite<{ folder: FolderRecord; previous: FolderRecord }>): Promise<FolderRecord>;
  /**
   * Deletes the folder, its sub-folders and their images; returns the deleted images. With
   * `trash`, the images move to the trash in the same transaction instead of going for good.
   */
  delete(clientId: string, id: string, outbox?: OutboxWrite<{ folder: FolderRecord; images: ImageRecord[] }>, trash?: TrashStamp): Promise<ImageRecord[]>;
  search(clientId: string, nameContains: string, limit: number): Promise<FolderRecord[]>;
}

export interface ImageRepository {
  /** `outbox`: rows written in the same transaction (so are `update`'s and `delete`'s); `eager` too, for insert and update. */
  /**
   * `guard`: a quota check of the client's totals after the write, run inside its transaction
   * (such writes of one client take turns); what it throws rolls the write back.
   */
  insert(image: ImageRecord, outbox?: readonly OutboxMessage[], eager?: EagerJobsWrite, guard?: StoredGuard): Promise<void>;
  get(clientId: string, id: string): Promise<ImageRecord | null>;
  list(query: ImageQuery): Promise<{ items: ImageRecord[]; total: number }>;
  /** Writes the record if the stored version is still `expectedVersion`; false if it moved on. */
  update(image: ImageRecord, expectedVersion: number, outbox?: readonly OutboxMessage[], eager?: EagerJobsWrite, guard?: StoredGuard): Promise<boolean>;
  delete(clientId: string, id: string, outbox?: readonly OutboxMessage[]): Promise<boolean>;
  /** Every image's identity and original key, for consistency checks. */
  listAllRefs(): Promise<Pick<ImageRecord, 'clientId' | 'id' | 'version' | 'originalKey'>[]>;
  /** Images of every client without a placeholder, by id, after `afterId` (resumable batches). */
  listWithoutPlaceholder(afterId: string, limit: number): Promise<ImageRecord[]>;
  countWithoutPlaceholder(): Promise<number>;
  /** Sets the placeholder of that version if it has none; false if the image moved on or has one. */
  setPlaceholder(image: Pick<ImageRecord, 'clientId' | 'id' | 'version'>, placeholder: Placeholder): Promise<boolean>;
}

/** An image in the trash: out of every listing and delivery until restored or purged. */
export interface TrashedImage {
  /** The image as it was when trashed; `folderPath` is where a restore puts it back. */
  image: ImageRecord;
  trashedAt: string;
  /** When the background job deletes it for good. */
  purgeAt: string;
}

export interface TrashStamp {
  trashedAt: string;
  purgeAt: string;
}

export interface TrashRepository {
  /** Moves the image row into the trash and writes its outbox rows, in one transaction; the image as it was, or null when none. */
  trash(clientId: string, id: string, stamp: TrashStamp, outbox?: OutboxWrite<ImageRecord>): Promise<ImageRecord | null>;
  get(clientId: string, id: string): Promise<TrashedImage | null>;
  /** Newest trashed first. */
  list(clientId: string, limit: number, offset: number): Promise<{ items: TrashedImage[]; total: number }>;
  /** Puts `image` back as an image row and drops its trash row in one transaction; false when it is no longer in the trash. */
  /** `guard`: as for an image insert (a restore counts against the client's image and byte limits). */
  restore(image: ImageRecord, outbox?: readonly OutboxMessage[], guard?: StoredGuard): Promise<boolean>;
  /** Drops the trash row (the image is gone for good); false when it is no longer there. */
  remove(clientId: string, id: string, outbox?: readonly OutboxMessage[]): Promise<boolean>;
  /** Trashed images of every client due for purging at `now`, soonest first. */
  expired(now: string, limit: number): Promise<TrashedImage[]>;
  /** Every trashed image's identity and original key: its files are not orphans. */
  listAllRefs(): Promise<Pick<ImageRecord, 'clientId' | 'id' | 'version' | 'originalKey'>[]>;
}

export interface PresetRepository {
  insert(preset: PresetRecord, outbox?: readonly OutboxMessage[]): Promise<void>;
  list(clientId: string): Promise<PresetRecord[]>;
  getByName(clientId: string, name: string): Promise<PresetRecord | null>;
  /**
   * Writes the preset's name, params, widths, eager and formats (conflict: the name is taken);
   * `dropJobs` deletes its eager jobs in the same transaction (they name variants it no longer
   * delivers). False when the client has no such preset.
   */
  update(preset: PresetRecord, outbox?: readonly OutboxMessage[], options?: { dropJobs?: boolean }): Promise<boolean>;
  delete(clientId: string, id: string, outbox?: readonly OutboxMessage[]): Promise<boolean>;
}

export interface Repositories {
  clients: ClientRepository;
  apiKeys: ApiKeyRepository;
  users: UserRepository;
  sessions: SessionRepository;
  invites: InviteRepository;
  passwordResets: PasswordResetRepository;
  folders: FolderRepository;
  images: ImageRepository;
  presets: PresetRepository;
  eagerJobs: EagerJobRepository;
  outbox: OutboxRepository;
  webhooks: WebhookRepository;
  purgeTargets: PurgeTargetRepository;
  usage: UsageRepository;
  quotas: QuotaRepository;
  trash: TrashRepository;
  audit: AuditRepository;
  /** A transform budget every node shares (PostgreSQL); without one, each process keeps its own. */
  transformBudget?: TransformBudget;
}

/**
 * Whole-object blob storage. Keys are built by the core from ids and numbers only,
 * `/`-separated. `put` is atomic: a reader sees the old object, the new one, or none.
 */
export interface BlobStore {
  put(key: string, data: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  /** A local file path for the key when the store has one (lets libvips shrink on load). */
  localPath(key: string): string | null;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Every stored key (not in-flight writes). */
  list(): Promise<string[]>;
  listWithSizes(): Promise<{ key: string; size: number; mtimeMs: number }[]>;
  /** Removes in-flight-write leftovers older than `olderThanMs`; returns how many. */
  sweepTemp(olderThanMs: number): Promise<number>;
}
