import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseStorageUrl, type S3Location } from './storage/s3-location';
import { DEFAULT_LEASE_MS } from './core/outbox/dispatcher';

/** Every setting of SPEC §2, typed and validated once at start-up. */
export interface Config {
  dataDir: string;
  /** PostgreSQL for the metadata (IMGAPI_DATABASE_URL); null: SQLite in the data directory. */
  databaseUrl: string | null;
  /** A bucket for originals and shared variants (IMGAPI_STORAGE_URL); null: the data directory. */
  storage: S3Location | null;
  /** Local copies of originals kept by a node that reads them from a bucket. */
  originalsCacheMaxBytes: number;
  host: string;
  port: number;
  publicUrl: string | null;
  maxUploadBytes: number;
  maxPixels: number;
  /** Frames an animated GIF or WebP may have. */
  maxFrames: number;
  cacheMaxBytes: number;
  memoryCacheMaxBytes: number;
  concurrency: number;
  queueMax: number;
  /** How waiting misses are ordered (IMGAPI_TRANSFORM_QUEUE): fairly across clients, or fifo (for comparison). */
  transformQueue: 'fair' | 'fifo';
  transformTimeoutSeconds: number;
  /** Eager variants computed at once by this node (IMGAPI_EAGER_CONCURRENCY; 0: this node computes none). */
  eagerConcurrency: number;
  /** Management API requests a minute, per API key and per client address (0: no limit). */
  rateLimitPerMinute: number;
  /** Folders one client may have. */
  maxFolders: number;
  /** Delivery responses carry `Cache-Tag` and `Surrogate-Key` for CDN purges (IMGAPI_CDN_TAGS=0: off). */
  cdnTags: boolean;
  /** Webhook targets on private, loopback or link-local addresses allowed (IMGAPI_WEBHOOK_ALLOW_PRIVATE=1). */
  webhookAllowPrivate: boolean;
  /** A webhook endpoint failing this long is disabled (IMGAPI_WEBHOOK_DISABLE_AFTER_MS, default 24 h). */
  webhookDisableAfterMs: number;
  /** The first outbox retry after this long, then doubling (IMGAPI_OUTBOX_RETRY_BASE_MS, default 5 s). */
  outboxRetryBaseMs: number;
  /**
   * How long a row a node claimed stays with it before another node may take it (IMGAPI_OUTBOX_LEASE_MS,
   * default 65 s: above the 10 s send timeout times the few requests one row may make).
   */
  outboxLeaseMs: number;
  /** Days a deleted image stays in the trash (IMGAPI_TRASH_DAYS, fractions allowed); 0: deletes go for good at once. */
  trashDays: number;
  /** How often each server looks for trashed images past their days (IMGAPI_TRASH_SWEEP_MS). */
  trashSweepMs: number;
  /** Days the audit log keeps an entry (IMGAPI_AUDIT_DAYS, fractions allowed, > 0). */
  auditDays: number;
  /** How often each server drops audit entries past their days (IMGAPI_AUDIT_PRUNE_MS). */
  auditPruneMs: number;
  /** How often each process writes its usage counters to the database (IMGAPI_USAGE_FLUSH_MS). */
  usageFlushMs: number;
  /** Request logs on stderr: JSON lines, readable lines, or none. */
  logFormat: 'json' | 'pretty' | 'off';
}

/** Flags of `imgapi serve`; each wins over its environment variable. */
export interface ConfigFlags {
  data?: string;
  host?: string;
  port?: string | number;
  publicUrl?: string;
}

export class ConfigError extends Error {}

function positiveInteger(name: string, raw: string | number | undefined, fallback: number, min = 1): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** A decimal number ≥ 0 ("30", "0.5"); nothing else is guessed at. */
function nonNegativeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,6}(\.[0-9]{1,9})?$/.test(raw.trim())) throw new ConfigError(`${name} must be a number ≥ 0 (e.g. 30 or 0.5), got "${raw}"`);
  return Number(raw.trim());
}

/** Like nonNegativeNumber, but 0 is refused: a log that keeps nothing is not a setting but a mistake. */
function positiveDays(name: string, raw: string | undefined, fallback: number): number {
  const days = nonNegativeNumber(name, raw, fallback);
  if (days <= 0 || days > 36_500) throw new ConfigError(`${name} must be a number of days above 0 and at most 36500 (e.g. 90 or 0.5), got "${raw}"`);
  return days;
}

function onOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

function transformQueue(raw: string | undefined): Config['transformQueue'] {
  if (raw === undefined || raw === '') return 'fair';
  if (raw === 'fair' || raw === 'fifo') return raw;
  throw new ConfigError(`IMGAPI_TRANSFORM_QUEUE must be fair or fifo, got "${raw}"`);
}

function logFormat(raw: string | undefined): Config['logFormat'] {
  if (raw === undefined || raw === '') return process.stderr.isTTY ? 'pretty' : 'json';
  if (raw === 'json' || raw === 'pretty' || raw === 'off') return raw;
  throw new ConfigError(`IMGAPI_LOG must be json, pretty or off, got "${raw}"`);
}

/** A PostgreSQL URL (from IMGAPI_DATABASE_URL, or the flag named `label`), or null when absent. */
export function databaseUrl(raw: string | undefined, label = 'IMGAPI_DATABASE_URL'): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^postgres(ql)?:\/\/./.test(raw)) throw new ConfigError(`${label} must be a postgres:// URL`);
  return raw;
}

/** A bucket (from IMGAPI_STORAGE_URL, or the flag named `label`), or null when absent. */
export function storageLocation(raw: string | undefined, env: Record<string, string | undefined>, label?: string): S3Location | null {
  if (!raw) return null;
  try {
    return parseStorageUrl(raw, env, label);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const port = positiveInteger('port', flags.port ?? env.IMGAPI_PORT, 3000, 0);
  if (port > 65535) throw new ConfigError(`port must be at most 65535, got ${port}`);
  const publicUrl = flags.publicUrl ?? env.IMGAPI_PUBLIC_URL ?? null;
  if (publicUrl !== null && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`public URL must start with http:// or https://, got "${publicUrl}"`);
  }
  return {
    dataDir: resolve(flags.data ?? env.IMGAPI_DATA ?? './data'),
    databaseUrl: databaseUrl(env.IMGAPI_DATABASE_URL),
    storage: storageLocation(env.IMGAPI_STORAGE_URL, env),
    originalsCacheMaxBytes: positiveInteger('IMGAPI_ORIGINALS_CACHE_MAX_BYTES', env.IMGAPI_ORIGINALS_CACHE_MAX_BYTES, 2 * 1024 ** 3),
    host: flags.host ?? env.IMGAPI_HOST ?? '127.0.0.1',
    port,
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    maxUploadBytes: positiveInteger('IMGAPI_MAX_UPLOAD_BYTES', env.IMGAPI_MAX_UPLOAD_BYTES, 52_428_800),
    maxPixels: positiveInteger('IMGAPI_MAX_PIXELS', env.IMGAPI_MAX_PIXELS, 100_000_000),
    maxFrames: positiveInteger('IMGAPI_MAX_FRAMES', env.IMGAPI_MAX_FRAMES, 300),
    cacheMaxBytes: positiveInteger('IMGAPI_CACHE_MAX_BYTES', env.IMGAPI_CACHE_MAX_BYTES, 10 * 1024 ** 3),
    memoryCacheMaxBytes: positiveInteger('IMGAPI_MEMORY_CACHE_MAX_BYTES', env.IMGAPI_MEMORY_CACHE_MAX_BYTES, 64 * 1024 ** 2, 0),
    concurrency: positiveInteger('IMGAPI_CONCURRENCY', env.IMGAPI_CONCURRENCY, availableParallelism()),
    queueMax: positiveInteger('IMGAPI_QUEUE_MAX', env.IMGAPI_QUEUE_MAX, 64, 0),
    transformQueue: transformQueue(env.IMGAPI_TRANSFORM_QUEUE),
    transformTimeoutSeconds: positiveInteger('IMGAPI_TRANSFORM_TIMEOUT_SECONDS', env.IMGAPI_TRANSFORM_TIMEOUT_SECONDS, 10),
    eagerConcurrency: positiveInteger('IMGAPI_EAGER_CONCURRENCY', env.IMGAPI_EAGER_CONCURRENCY, 1, 0),
    rateLimitPerMinute: positiveInteger('IMGAPI_RATE_LIMIT_PER_MINUTE', env.IMGAPI_RATE_LIMIT_PER_MINUTE, 1200, 0),
    maxFolders: positiveInteger('IMGAPI_MAX_FOLDERS', env.IMGAPI_MAX_FOLDERS, 100_000),
    cdnTags: onOff('IMGAPI_CDN_TAGS', env.IMGAPI_CDN_TAGS, true),
    webhookAllowPrivate: onOff('IMGAPI_WEBHOOK_ALLOW_PRIVATE', env.IMGAPI_WEBHOOK_ALLOW_PRIVATE, false),
    webhookDisableAfterMs: positiveInteger('IMGAPI_WEBHOOK_DISABLE_AFTER_MS', env.IMGAPI_WEBHOOK_DISABLE_AFTER_MS, 24 * 3_600_000),
    outboxRetryBaseMs: positiveInteger('IMGAPI_OUTBOX_RETRY_BASE_MS', env.IMGAPI_OUTBOX_RETRY_BASE_MS, 5_000),
    outboxLeaseMs: positiveInteger('IMGAPI_OUTBOX_LEASE_MS', env.IMGAPI_OUTBOX_LEASE_MS, DEFAULT_LEASE_MS),
    trashDays: nonNegativeNumber('IMGAPI_TRASH_DAYS', env.IMGAPI_TRASH_DAYS, 30),
    trashSweepMs: positiveInteger('IMGAPI_TRASH_SWEEP_MS', env.IMGAPI_TRASH_SWEEP_MS, 3_600_000),
    auditDays: positiveDays('IMGAPI_AUDIT_DAYS', env.IMGAPI_AUDIT_DAYS, 90),
    auditPruneMs: positiveInteger('IMGAPI_AUDIT_PRUNE_MS', env.IMGAPI_AUDIT_PRUNE_MS, 3_600_000),
    usageFlushMs: positiveInteger('IMGAPI_USAGE_FLUSH_MS', env.IMGAPI_USAGE_FLUSH_MS, 5_000),
    logFormat: logFormat(env.IMGAPI_LOG),
  };
}
