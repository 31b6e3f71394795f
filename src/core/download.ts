import type { AccountService } from './accounts';
import { AppError, invalid, notFound } from './errors';
import type { SourceFormat } from './image-probe';
import type { BlobStore, ClientRecord, ImageRecord, Repositories } from './ports';
import { signPath, verifyWithSecrets } from './signing';

/** Media types of originals as uploaded. */
const MEDIA_TYPES: Record<SourceFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heif: 'image/heif',
  heic: 'image/heic',
  svg: 'image/svg+xml',
};

const VERSION = /^[1-9][0-9]{0,8}$/;

/**
 * What a download signature covers: the image and its version. It has three segments, where a
 * delivery path has at most two (`<transform>/<id>.<ext>`), so neither kind of signature can
 * stand for the other.
 */
const signedPart = (imageId: string, version: number | string) => `dl/${imageId}/v${version}`;

/**
 * `/d/<clientId>/<signature>/<imageId>?v=<version>`: the original's bytes, signed with the
 * client's secret like a delivery URL, for that version only (a replace makes it 404).
 */
export function signedDownloadPath(client: Pick<ClientRecord, 'id' | 'signingSecret'>, image: Pick<ImageRecord, 'id' | 'version'>): string {
  return `/d/${client.id}/${signPath(client.signingSecret, client.id, signedPart(image.id, image.version))}/${image.id}?v=${image.version}`;
}

export interface Download {
  image: ImageRecord;
  contentType: string;
  /** A file on this node to stream when the store has one; else the bytes. */
  body: { path: string } | { data: Uint8Array };
}

/** Signed downloads of originals: checked like delivery URLs (the previous secret during its grace). */
export function createDownloads(deps: {
  accounts: Pick<AccountService, 'getClient'>;
  repos: Pick<Repositories, 'images'>;
  originals: Pick<BlobStore, 'get' | 'localPath' | 'exists'>;
}) {
  return {
    async open(input: { clientId: string; signature: string; imageId: string; version: string | undefined }): Promise<Download> {
      // The signature is checked before the image is looked up: an unsigned request learns nothing.
      const client = await deps.accounts.getClient(input.clientId);
      if (input.version === undefined || !VERSION.test(input.version)) throw invalid('v must be the image version the URL was signed for');
      const previous = client.previousSecret && Date.parse(client.previousSecret.validUntil) > Date.now() ? client.previousSecret.secret : null;
      const signedWith = verifyWithSecrets({ current: client.signingSecret, previous }, client.id, signedPart(input.imageId, input.version), input.signature);
      if (!signedWith) throw new AppError('forbidden', 'Invalid signature');
      // A trashed or deleted image has no row: 404 at once, on every node.
      const image = await deps.repos.images.get(client.id, input.imageId);
      if (!image) throw notFound('Image');
      if (String(image.version) !== input.version) throw notFound(`Version ${input.version} of the image`);
      const contentType = MEDIA_TYPES[image.format];
      const path = deps.originals.localPath(image.originalKey);
      if (path !== null && (await deps.originals.exists(image.originalKey))) return { image, contentType, body: { path } };
      const data = await deps.originals.get(image.originalKey);
      if (!data) throw notFound('The original file');
      return { image, contentType, body: { data } };
    },
  };
}

export type Downloads = ReturnType<typeof createDownloads>;
