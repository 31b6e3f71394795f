/**
 * The cache tags a delivery response carries and a purge names. One image's responses carry
 * `img-<imageId>` and `client-<clientId>`: an image event purges the first, a preset event the
 * second (every image of the client, since a preset's URLs span all of them).
 */
export const imageTag = (imageId: string) => `img-${imageId}`;
export const clientTag = (clientId: string) => `client-${clientId}`;

export interface CacheTagHeaders {
  /** Cloudflare's `Cache-Tag`: tags separated by commas. */
  cacheTag: string;
  /** Fastly's `Surrogate-Key`: keys separated by spaces. */
  surrogateKey: string;
}

export function cacheTagHeaders(clientId: string, imageId: string): CacheTagHeaders {
  const tags = [imageTag(imageId), clientTag(clientId)];
  return { cacheTag: tags.join(','), surrogateKey: tags.join(' ') };
}
