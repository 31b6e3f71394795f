import { formatBytes, type ImageView } from './api';
import { imageLabel, Thumbnail } from './image-tile';

const uploaded = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  images: ImageView[];
  /** The folder shown ('' the root; null all images): other folders' images name theirs. */
  shownFolder: string | null;
  openId: string | null;
  onOpen: (image: ImageView, opener: HTMLElement) => void;
}

/**
 * The list view: a row per image with its name, folder, format, dimensions, size and upload
 * date. On a phone the folder and date columns step aside (the name's label still says the
 * folder); what is still too wide scrolls sideways inside its own focusable region.
 */
export function ImageTable({ images, shownFolder, openId, onOpen }: Props) {
  return (
    <div class="table-scroll" role="region" aria-label="Images as a list" tabIndex={0}>
      <table class="image-table" data-testid="image-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="col-wide">Folder</th>
            <th scope="col">Format</th>
            <th scope="col">Dimensions</th>
            <th scope="col">Size</th>
            <th scope="col" class="col-wide">Uploaded</th>
          </tr>
        </thead>
        <tbody>
          {images.map((image) => (
            <tr key={image.id} data-testid="image-row" class={openId === image.id ? 'active' : ''}>
              <td>
                <button type="button" class="row-open" aria-label={imageLabel(image, shownFolder)} onClick={(e) => onOpen(image, e.currentTarget)}>
                  <Thumbnail image={image} size={40} />
                  <span class="name">{image.originalName}</span>
                </button>
              </td>
              <td class="col-wide">{image.folder || '/'}</td>
              <td>{image.format.toUpperCase()}</td>
              <td>
                {image.width}×{image.height}
              </td>
              <td>{formatBytes(image.bytes)}</td>
              <td class="col-wide">
                <time dateTime={image.createdAt}>{uploaded(image.createdAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
