import { formatBytes, type ImageView } from './api';
import { PlaceholderImg } from './placeholder';

/**
 * What a tile or row says to a screen reader: the name, then what the picture cannot say —
 * "beach.jpg, 1200×800, 240 KB" (and its folder when another folder's image is listed).
 */
export function imageLabel(image: ImageView, shownFolder: string | null): string {
  const parts = [image.originalName, `${image.width}×${image.height}`, formatBytes(image.bytes)];
  if (image.animated) parts.push('animated');
  if (shownFolder !== null && image.folder !== shownFolder) parts.push(`in ${image.folder || '/ (root)'}`);
  return parts.join(', ');
}

/**
 * The square thumbnail (a cover crop), from the 2× URL on a HiDPI screen so it stays sharp.
 * `size`: the CSS pixels it is laid out at, at most the thumbnail's 240.
 */
export function Thumbnail({ image, size = 240 }: { image: ImageView; size?: number }) {
  return (
    <PlaceholderImg
      image={image}
      src={image.thumbnailUrl}
      // A small one (a list row's) is sharp from the 1× thumbnail even at 3×.
      srcset={size > 120 ? `${image.thumbnailUrl} 1x, ${image.thumbnailUrl2x} 2x` : undefined}
      // The name beside it says what the picture is; an alt text would say it twice.
      alt=""
      loading="lazy"
      width={size}
      height={size}
    />
  );
}

/**
 * A tile's picture and text. Its button is named by this text, read as "beach.jpg, 1200×800,
 * 240 KB": `.said-comma` is a comma only assistive technology reads (CSS alternative text), where
 * the eye sees a line break or a dot; a hidden element there would read as " , ".
 */
export function TileContent({ image, shownFolder }: { image: ImageView; shownFolder: string }) {
  const dot = (
    <>
      <span aria-hidden="true"> · </span>
      <span class="said-comma" />
    </>
  );
  return (
    <>
      <Thumbnail image={image} />
      <span class="name" title={image.originalName}>
        {image.originalName}
        <span class="said-comma" />
      </span>
      <span class="muted">
        {image.width}×{image.height}
        {dot}
        {formatBytes(image.bytes)}
        {image.animated && <>{dot}animated</>}
        {image.folder !== shownFolder && <span class="said-comma" />}
      </span>
      {image.folder !== shownFolder && (
        <span class="muted folder-of" title={image.folder || '/'}>
          in {image.folder || '/ (root)'}
        </span>
      )}
    </>
  );
}
