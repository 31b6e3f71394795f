import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Every setting of SPEC §2, typed and validated once at start-up. */
export interface Config {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | null;
  maxUploadBytes: number;
  maxPixels: number;
  cacheMaxBytes: number;
  memoryCacheMaxBytes: number;
  concurrency: number;
  queueMax: number;
  transformTimeoutSeconds: number;
  /** Management API requests a minute, per API key and per client address (0: no limit). */
  rateLimitPerMinute: number;
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

function logFormat(raw: string | undefined): Config['logFormat'] {
  if (raw === undefined || raw === '') return process.stderr.isTTY ? 'pretty' : 'json';
  if (raw === 'json' || raw === 'pretty' || raw === 'off') return raw;
  throw new ConfigError(`IMGAPI_LOG must be json, pretty or off, got "${raw}"`);
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
    host: flags.host ?? env.IMGAPI_HOST ?? '127.0.0.1',
    port,
    publicUrl: publicUrl?.replace(/\/+$/, '') ?? null,
    maxUploadBytes: positiveInteger('IMGAPI_MAX_UPLOAD_BYTES', env.IMGAPI_MAX_UPLOAD_BYTES, 52_428_800),
    maxPixels: positiveInteger('IMGAPI_MAX_PIXELS', env.IMGAPI_MAX_PIXELS, 100_000_000),
    cacheMaxBytes: positiveInteger('IMGAPI_CACHE_MAX_BYTES', env.IMGAPI_CACHE_MAX_BYTES, 10 * 1024 ** 3),
    memoryCacheMaxBytes: positiveInteger('IMGAPI_MEMORY_CACHE_MAX_BYTES', env.IMGAPI_MEMORY_CACHE_MAX_BYTES, 64 * 1024 ** 2, 0),
    concurrency: positiveInteger('IMGAPI_CONCURRENCY', env.IMGAPI_CONCURRENCY, availableParallelism()),
    queueMax: positiveInteger('IMGAPI_QUEUE_MAX', env.IMGAPI_QUEUE_MAX, 64, 0),
    transformTimeoutSeconds: positiveInteger('IMGAPI_TRANSFORM_TIMEOUT_SECONDS', env.IMGAPI_TRANSFORM_TIMEOUT_SECONDS, 10),
    rateLimitPerMinute: positiveInteger('IMGAPI_RATE_LIMIT_PER_MINUTE', env.IMGAPI_RATE_LIMIT_PER_MINUTE, 1200, 0),
    logFormat: logFormat(env.IMGAPI_LOG),
  };
}
