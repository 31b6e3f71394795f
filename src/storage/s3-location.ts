/** Where a bucket is and how to reach it, from `s3://[key:secret@]bucket/prefix?endpoint=…&region=…`. */
export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket, without slashes at either end; '' for the whole bucket. */
  prefix: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `?style=virtual` for services that need the bucket in the host name. */
  virtualHostedStyle: boolean;
}

const OPTIONS = new Set(['endpoint', 'region', 'style']);

/**
 * Credentials in the URL win over `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` in `env`.
 * Errors name the setting as `label` (the variable or the flag the URL came from).
 */
export function parseStorageUrl(text: string, env: Record<string, string | undefined> = {}, label = 'IMGAPI_STORAGE_URL'): S3Location {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${label} is not a URL: ${text}`);
  }
  if (url.protocol !== 's3:') throw new Error(`${label} must start with s3:// (got ${url.protocol}//)`);
  if (!url.hostname) throw new Error(`${label} names no bucket: s3://bucket/prefix`);
  for (const name of url.searchParams.keys()) {
    if (!OPTIONS.has(name)) throw new Error(`${label}: unknown option "${name}" (known: ${[...OPTIONS].join(', ')})`);
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new Error(`${label}: endpoint must be an http(s) URL (got ${endpoint})`);
  return {
    bucket: url.hostname,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ''),
    endpoint,
    region: url.searchParams.get('region') ?? undefined,
    accessKeyId: url.username ? decodeURIComponent(url.username) : env.AWS_ACCESS_KEY_ID,
    secretAccessKey: url.password ? decodeURIComponent(url.password) : env.AWS_SECRET_ACCESS_KEY,
    virtualHostedStyle: url.searchParams.get('style') === 'virtual',
  };
}

/** The URL with its secret hidden, for logs and `doctor`. */
export function describeLocation(location: S3Location): string {
  const where = location.endpoint ? ` at ${location.endpoint}` : '';
  return `s3://${location.bucket}/${location.prefix}${where}`;
}
