const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.,-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.,-]*)*$/;

/**
 * Keys come from ids, but a store that trusted its callers would be one bug from traversal
 * (on disk) or from writing outside its prefix (in a bucket).
 */
export function checkBlobKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.split('/').some((part) => part.startsWith('.'))) {
    throw new Error(`Unsafe blob key: ${key}`);
  }
  return key;
}
