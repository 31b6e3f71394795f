import { Type } from '@sinclair/typebox';
import { Integer } from './integer';
import { PageQueryFields, pagingOf } from './paging';
import { t, type Static } from 'elysia';
import { signedDeliveryPath } from '../core/delivery-path';
import { signedDownloadPath } from '../core/download';
import { IMAGE_SORTS, LISTED_FORMATS, MAX_MIN_WIDTH, ORIENTATIONS } from '../core/listing-filters';
import type { VariantCounts } from '../core/eager-variants';
import type { ClientRecord, ImageRecord } from '../core/ports';
import { versionQuery } from '../core/url-signer';
import type { ApiServices, Caller } from './services';
import { auditRecorder } from './audit';
import { MAX_ALT_LENGTH, MAX_META_BYTES, MAX_TAG_LENGTH, MAX_TAGS } from '../core/image-labels';

const NO_VARIANTS: VariantCounts = { pending: 0, ready: 0 };
/**
 * The library's tiles are squares of up to 240 CSS px: a cover crop of the image at that size
 * (centred on its focal point when it has one), and the same at dpr 2 for HiDPI screens.
 */
const THUMBNAIL = { w: 240, h: 240, c: 'cover', f: 'webp', q: 75 } as const;
// A grid of animated thumbnails would transform every frame of every animation on a miss (300
// frames at most): the library shows an animation's first frame; its panel preview plays it.
const STILL_THUMBNAIL = { ...THUMBNAIL, fr: 1 } as const;

// TypeBox's Number, not Elysia's, which would also take numeric strings: a point is a JSON number.
const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
export const FocalPoint = t.Object(
  { x: Fraction('From the left edge: 0 to 1'), y: Fraction('From the top edge: 0 to 1') },
  { title: 'FocalPoint', description: 'A place in the image after EXIF orientation, as fractions of its width and height (4 decimals kept)' },
);

export const Placeholder = t.Object(
  {
    color: t.String({ pattern: '^#[0-9a-f]{6}$', description: 'Dominant colour, #rrggbb: a background while the image loads' }),
    thumbhash: t.String({ description: 'ThumbHash, base64 (about 25-35 bytes): decode with the thumbhash package; keeps aspect ratio and alpha' }),
    blurhash: t.String({ description: 'BlurHash, 4×3 components: decode with a blurhash library; transparent parts are drawn on white' }),
    dataUri: t.String({ description: 'A WebP about 16 px on its longer side as a data: URI (at most 1 KB), for an <img> src or a CSS background, blurred by scaling' }),
  },
  { title: 'Placeholder', description: "What to show while the image loads, computed from the current version's pixels" },
);

export const Variants = t.Object(
  {
    pending: Integer({ description: 'Variants of eager presets (each width × format) of this version not computed yet' }),
    ready: Integer({ description: 'Computed and cached: their first request is a hit' }),
  },
  { title: 'Variants', description: "This version's eager variants; 0 and 0 when no eager preset covers it" },
);

// TypeBox's Number again: "3" stays a string value, 3 a number.
export const ImageMeta = Type.Record(t.String(), t.Union([t.String(), Type.Number(), t.Boolean(), t.Null()]), {
  title: 'ImageMeta',
  description: `Custom key/values: flat (string, number, boolean or null values), at most ${MAX_META_BYTES} bytes as JSON; {} when unset`,
});

// Checked by the core (`checkMeta`), not by a Record schema: Elysia's body normalization turns an
// array into an object keyed by index before a Record is checked, so ["a"] would pass as {"0":"a"}.
const MetaInput = Type.Any({
  description: `Replaces the metadata: a JSON object of string, number, boolean or null values, at most ${MAX_META_BYTES} bytes as JSON; {} clears it`,
  examples: [{ sku: 'A-100', stock: 3 }],
});

export const ImageView = t.Object(
  {
    id: t.String(),
    originalName: t.String(),
    folder: t.String({ description: 'Folder path; empty for the root' }),
    folderId: t.Union([t.String(), t.Null()]),
    format: t.String({ description: 'Format of the original: jpeg, png, webp, avif, gif, tiff, heic, svg' }),
    width: Integer(),
    height: Integer(),
    bytes: Integer(),
    frames: Integer({ description: 'Frames of an animated GIF or WebP; 1 for a still image' }),
    animated: t.Boolean({ description: 'More than one frame: WebP and GIF outputs keep the animation' }),
    contentHash: t.String({ description: 'SHA-256 of the original (hex): lets sync tools skip unchanged files' }),
    version: Integer({ description: 'Starts at 1, +1 on every replace' }),
    focalPoint: t.Union([FocalPoint, t.Null()], { description: 'What crops centre on when a transform names no gravity (g); null when unset' }),
    placeholder: t.Union([Placeholder, t.Null()], { description: 'null for an image stored before placeholders, until `imgapi doctor --backfill`' }),
    tags: t.Array(t.String(), { description: 'Normalized (trimmed, lower case, single spaces), distinct, in the order given; at most 50' }),
    alt: t.String({ description: 'Alt text for embeds and pages; "" when unset' }),
    meta: ImageMeta,
    createdAt: t.String({ format: 'date-time' }),
    updatedAt: t.String({ format: 'date-time' }),
    deliveryBase: t.String({ description: '/t/<clientId>' }),
    thumbnailUrl: t.String({
      description: 'Signed URL of a 240×240 WebP: a square cover crop (centred on the focal point when set; an animation\'s first frame), ending in ?v=<version>',
    }),
    thumbnailUrl2x: t.String({
      description: 'The same thumbnail at dpr 2 (480×480) for HiDPI screens: srcset="<thumbnailUrl> 1x, <thumbnailUrl2x> 2x"; ending in ?v=<version>',
    }),
    downloadUrl: t.String({
      description: 'Signed URL of the original bytes as uploaded (Content-Disposition: attachment), for this version (?v=<version>); works without key or cookie',
    }),
    variants: Variants,
  },
  { title: 'Image' },
);
export type ImageView = Static<typeof ImageView>;

export const ImagePage = t.Object(
  { items: t.Array(ImageView), total: Integer(), page: Integer(), pageSize: Integer() },
  { title: 'ImagePage' },
);
export type ImagePage = Static<typeof ImagePage>;

const literals = <T extends string>(values: readonly T[], description: string) =>
  t.Optional(t.Union(values.map((value) => t.Literal(value)), { description }));
/**
 * Order and filters of a listing. Numbers and dates are checked in `src/core/listing-filters.ts`,
 * which says what is wrong in words (a pattern here would answer with a regular expression) and
 * checks the CLI's local mode, which skips this schema, the same way.
 */
const ListingQueryFields = {
  sort: literals(IMAGE_SORTS, 'newest (default) and oldest by upload time; name: A to Z, ignoring case; size: largest file first; width: widest first. Ties: by id'),
  format: literals(LISTED_FORMATS, "Only originals of this format"),
  orientation: literals(ORIENTATIONS, 'landscape: wider than tall; portrait: taller than wide; square: as wide as tall'),
  minWidth: t.Optional(t.String({ maxLength: 40, description: `At least this many pixels wide: a whole number from 1 to ${MAX_MIN_WIDTH}` })),
  from: t.Optional(t.String({ maxLength: 40, description: 'Uploaded at or after: a date (2026-03-01, UTC) or a date-time with a zone (2026-03-01T12:00:00Z)' })),
  to: t.Optional(t.String({ maxLength: 40, description: 'Uploaded at or before: a date (through its last millisecond, UTC) or a date-time with a zone; not before from' })),
};

export const ListImagesQuery = t.Object({
  folder: t.Optional(t.String({ description: 'Absent or empty: every image; `/`: the root only; a path: that folder' })),
  q: t.Optional(t.String({ maxLength: 200, description: 'Case-insensitive substring of the name, the alt text or a tag' })),
  tag: t.Optional(t.String({ maxLength: 1000, description: 'Only images with this tag (normalized as tags are: " Red  Shoes " is "red shoes")' })),
  // Plain decimal integers only: 1e3, 0x10, +5 and 010 are refused, not guessed at.
  ...PageQueryFields,
  recursive: t.Optional(t.Union([t.Literal('true'), t.Literal('false')], { description: 'With a folder: include sub-folders' })),
  ...ListingQueryFields,
});
export type ListImagesQuery = Static<typeof ListImagesQuery>;

export const UploadBody = t.Object({
  file: t.File({ description: 'The image; its type is read from the bytes' }),
  folder: t.Optional(t.String({ description: 'Folder path, created if missing; absent: the root' })),
});
export const ReplaceBody = t.Object({ file: t.File() });
export const ImagePatch = t.Object({
  originalName: t.Optional(t.String({ maxLength: 1000 })),
  folder: t.Optional(t.String({ description: 'New folder path (created if missing); "" for the root' })),
  focalPoint: t.Optional(
    t.Union([FocalPoint, t.Null()], { description: 'Set the focal point, or null to clear it; cached crops of the image are purged' }),
  ),
  tags: t.Optional(
    t.Array(t.String({ maxLength: 1000 }), {
      maxItems: MAX_TAGS,
      description: `Replaces the tags: each trimmed, lower-cased, inner whitespace as one space, 1 to ${MAX_TAG_LENGTH} characters; duplicates dropped`,
    }),
  ),
  alt: t.Optional(t.String({ maxLength: MAX_ALT_LENGTH, description: 'Replaces the alt text; "" clears it' })),
  meta: t.Optional(MetaInput),
});
export type ImagePatch = Static<typeof ImagePatch>;

function thumbnailUrl(image: ImageRecord, client: ClientRecord, base: string, dpr: 1 | 2): string {
  const transform = { ...(image.frames > 1 ? STILL_THUMBNAIL : THUMBNAIL), ...(dpr > 1 && { dpr }) };
  return base + signedDeliveryPath(client, image.id, transform, 'webp') + versionQuery(image.version);
}

/** The image object of SPEC §6. */
export function presentImage(image: ImageRecord, client: ClientRecord, base: string, variants: VariantCounts = NO_VARIANTS): ImageView {
  return {
    id: image.id,
    originalName: image.originalName,
    folder: image.folderPath,
    folderId: image.folderId,
    format: image.format,
    width: image.width,
    height: image.height,
    bytes: image.bytes,
    frames: image.frames,
    animated: image.frames > 1,
    contentHash: image.contentHash,
    version: image.version,
    focalPoint: image.focalPoint,
    placeholder: image.placeholder,
    tags: image.tags,
    alt: image.alt,
    meta: image.meta,
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
    deliveryBase: `/t/${client.id}`,
    thumbnailUrl: thumbnailUrl(image, client, base, 1),
    thumbnailUrl2x: thumbnailUrl(image, client, base, 2),
    downloadUrl: base + signedDownloadPath(client, image),
    variants,
  };
}

/** How the audit log names an image: its id and path. */
export const imageTarget = (image: ImageRecord) => ({ id: image.id, name: image.folderPath ? `${image.folderPath}/${image.originalName}` : image.originalName });

/** A delete goes to the trash unless permanent or the trash is off (IMGAPI_TRASH_DAYS=0). */
export const deleteAction = (services: Pick<ApiServices, 'trash'>, permanent?: boolean) =>
  permanent || !services.trash.enabled ? ('image.purge' as const) : ('image.delete' as const);

/** Images: the use cases behind `/api/v1/images` and the CLI's image commands. */
export function imagesApi(services: ApiServices) {
  const { accounts, images, eager } = services;
  const audit = auditRecorder(services.audit);
  const views = async (caller: Caller, list: ImageRecord[]) => {
    const client = await accounts.currentClient(caller.clientId);
    const counts = await eager.counts(caller.clientId, list.map((image) => image.id));
    return list.map((image) => presentImage(image, client, caller.base, counts.get(image.id)));
  };
  const view = async (caller: Caller, image: ImageRecord) => (await views(caller, [image]))[0]!;

  return {
    views,
    async upload(caller: Caller, input: { data: Uint8Array; fileName?: string; folder?: string }) {
      const image = await images.upload(caller.clientId, input);
      await audit(caller, 'image.upload', imageTarget(image));
      return view(caller, image);
    },
    async replace(caller: Caller, id: string, data: Uint8Array) {
      const image = await images.replace(caller.clientId, id, data);
      await audit(caller, 'image.replace', imageTarget(image));
      return view(caller, image);
    },
    get: async (caller: Caller, id: string) => view(caller, await images.get(caller.clientId, id)),
    async update(caller: Caller, id: string, patch: ImagePatch) {
      const image = await images.update(caller.clientId, id, patch);
      await audit(caller, 'image.update', imageTarget(image));
      return view(caller, image);
    },
    /** Moves the image to the trash; `permanent` deletes it (or a trashed one) for good. */
    async delete(caller: Caller, id: string, options: { permanent?: boolean } = {}) {
      // Read first for the log's name: from the library, or from the trash when purging it there.
      const before = (await images.get(caller.clientId, id).catch(() => null)) ?? (await services.trash.get(caller.clientId, id))?.image ?? null;
      await images.delete(caller.clientId, id, options);
      await audit(caller, deleteAction(services, options.permanent), before ? imageTarget(before) : { id });
    },
    async list(caller: Caller, query: ListImagesQuery): Promise<ImagePage> {
      const page = await images.list(caller.clientId, {
        folder: query.folder,
        recursive: query.recursive === 'true',
        q: query.q,
        tag: query.tag,
        ...pagingOf(query),
        sort: query.sort,
        format: query.format,
        orientation: query.orientation,
        minWidth: query.minWidth,
        from: query.from,
        to: query.to,
      });
      return { ...page, items: await views(caller, page.items) };
    },
  };
}
