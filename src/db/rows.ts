import type { SourceFormat } from '../core/image-probe';
import type { Placeholder } from '../core/placeholder';
import { searchText, type ImageMeta } from '../core/image-labels';
import type { OutputFormat } from '../core/transform/types';
import type { ApiKeyRecord, ClientRecord, FolderRecord, ImageQuery, ImageRecord, InviteRecord, PasswordResetRecord, PresetRecord, UserRecord } from '../core/ports';
import type { Role } from '../core/roles';

/** Rows as both databases return them (snake_case), and their records. */
export interface ClientRow {
  id: string;
  name: string;
  signing_secret: string;
  created_at: string;
  previous_signing_secret: string | null;
  previous_secret_valid_until: string | null;
}
export interface KeyRow { id: string; client_id: string; name: string; prefix: string; created_at: string; last_used_at: string | null; created_by: string | null }
export interface UserRow { id: string; username: string; password_hash: string; role: string; disabled_at: string | null; created_at: string }
export interface FolderRow { id: string; client_id: string; parent_id: string | null; name: string; path: string; created_at: string }
export interface PresetRow {
  id: string;
  client_id: string;
  name: string;
  params: string;
  widths: string | null;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  eager: number | boolean;
  formats: string | null;
  created_at: string;
}
export interface ImageRow {
  id: string;
  client_id: string;
  folder_id: string | null;
  folder_path: string;
  original_name: string;
  format: string;
  width: number;
  height: number;
  /** PostgreSQL's BIGINT arrives as a string. */
  bytes: number | string;
  /** SQLite stores 0/1, PostgreSQL a boolean. */
  has_alpha: number | boolean;
  frames: number;
  content_hash: string;
  original_key: string;
  version: number;
  /** Both or neither (a CHECK constraint in both databases). */
  focal_x: number | null;
  focal_y: number | null;
  /** JSON of a Placeholder; null before it was computed. */
  placeholder: string | null;
  /** JSON: an array of strings, an object. */
  tags: string;
  alt: string;
  meta: string;
  created_at: string;
  updated_at: string;
}

export const FOLDER_COLUMNS = 'id, client_id, parent_id, name, path, created_at';
export const KEY_COLUMNS = 'id, client_id, name, prefix, created_at, last_used_at, created_by';
export const IMAGE_SELECT =
  "SELECT i.*, coalesce(f.path, '') AS folder_path FROM images i LEFT JOIN folders f ON f.id = i.folder_id";

export const toClient = (r: ClientRow): ClientRecord => ({
  id: r.id,
  name: r.name,
  signingSecret: r.signing_secret,
  createdAt: r.created_at,
  ...(r.previous_signing_secret !== null && r.previous_secret_valid_until !== null && {
    previousSecret: { secret: r.previous_signing_secret, validUntil: r.previous_secret_valid_until },
  }),
});
export const toKey = (r: KeyRow): ApiKeyRecord => ({
  id: r.id, clientId: r.client_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, createdBy: r.created_by,
});
export const toUser = (r: UserRow, clientIds: string[]): UserRecord => ({
  id: r.id, username: r.username, passwordHash: r.password_hash, role: r.role as Role, clientIds, disabledAt: r.disabled_at, createdAt: r.created_at,
});
export interface InviteRow { id: string; role: string; client_ids: string; created_by: string | null; created_at: string; expires_at: string; used_at: string | null }
export const toInvite = (r: InviteRow): InviteRecord => ({
  id: r.id, role: r.role as Role, clientIds: JSON.parse(r.client_ids) as string[], createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at,
});
export interface ResetRow { user_id: string; created_at: string; expires_at: string; used_at: string | null }
export const toReset = (r: ResetRow): PasswordResetRecord => ({ userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at });
export const toFolder = (r: FolderRow): FolderRecord => ({
  id: r.id, clientId: r.client_id, parentId: r.parent_id, name: r.name, path: r.path, createdAt: r.created_at,
});
export const toPreset = (r: PresetRow): PresetRecord => ({
  id: r.id,
  clientId: r.client_id,
  name: r.name,
  params: r.params,
  widths: r.widths === null ? null : (JSON.parse(r.widths) as number[]),
  eager: Boolean(r.eager),
  formats: r.formats === null ? null : (JSON.parse(r.formats) as OutputFormat[]),
  createdAt: r.created_at,
});
export const widthsColumn = (widths: number[] | null) => (widths === null ? null : JSON.stringify(widths));
export const formatsColumn = (formats: OutputFormat[] | null) => (formats === null ? null : JSON.stringify(formats));

export const toImage = (r: ImageRow): ImageRecord => ({
  id: r.id,
  clientId: r.client_id,
  folderId: r.folder_id,
  folderPath: r.folder_path,
  originalName: r.original_name,
  format: r.format as SourceFormat,
  width: r.width,
  height: r.height,
  bytes: Number(r.bytes),
  hasAlpha: r.has_alpha === 1 || r.has_alpha === true,
  frames: Number(r.frames),
  contentHash: r.content_hash,
  originalKey: r.original_key,
  version: r.version,
  focalPoint: r.focal_x === null || r.focal_y === null ? null : { x: Number(r.focal_x), y: Number(r.focal_y) },
  placeholder: r.placeholder === null ? null : (JSON.parse(r.placeholder) as Placeholder),
  tags: JSON.parse(r.tags) as string[],
  alt: r.alt,
  meta: JSON.parse(r.meta) as ImageMeta,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The placeholder as stored: its four fields in a fixed order, as JSON text. */
export const placeholderColumn = (p: Placeholder | null): string | null =>
  p === null ? null : JSON.stringify({ color: p.color, thumbhash: p.thumbhash, blurhash: p.blurhash, dataUri: p.dataUri });

/** tags, alt, meta and search_lower as stored, in that order. */
export const labelColumns = (img: ImageRecord): [string, string, string, string] => [
  JSON.stringify(img.tags),
  img.alt,
  JSON.stringify(img.meta),
  searchText(img),
];

/** The new path of a folder renamed to `name`. */
export function renamedPath(path: string, name: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? name : `${path.slice(0, cut)}/${name}`;
}

/** Condition selecting a folder and everything below it by materialized path (3 parameters). */
export const subtreeArgs = (path: string): [string, string, string] => [path, `${path}/`, `${path}0`];

/** The key under which a listing's total is remembered. */
export const countKey = (query: ImageQuery) =>
  `${query.clientId}\n${JSON.stringify(query.scope.kind === 'folder' ? [query.scope.folder.id, query.scope.recursive] : query.scope.kind)}\n${query.nameContains ?? ''}\n${query.tag ?? ''}\n${JSON.stringify(query.filters ?? {})}`;

/**
 * Counting 100 000 rows costs milliseconds on every page of a listing. Totals (and other
 * facts about a listing) are remembered per client and query until that client's images
 * change (any write bumps its generation; with several nodes, the change feed tells the others).
 */
export function createImageCounts() {
  const generations = new Map<string, number>();
  const remembered = new Map<string, { generation: string; value: unknown }>();
  let epoch = 0;
  return {
    changed(clientId: string): void {
      generations.set(clientId, (generations.get(clientId) ?? 0) + 1);
    },
    changedAll(): void {
      epoch++;
    },
    async remember<T>(clientId: string, key: string, compute: () => T | Promise<T>): Promise<T> {
      const generation = `${epoch}.${generations.get(clientId) ?? 0}`;
      const cached = remembered.get(key);
      if (cached && cached.generation === generation) return cached.value as T;
      const value = await compute();
      if (remembered.size > 10_000) remembered.clear();
      remembered.set(key, { generation, value });
      return value;
    },
  };
}

export type ImageCounts = ReturnType<typeof createImageCounts>;
