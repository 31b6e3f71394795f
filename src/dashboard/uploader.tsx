import { formatBytes, messageOf, uploadFile, type ImageView } from './api';

export interface UploadItem {
  id: number;
  name: string;
  bytes: number;
  /** Where it goes: its row leaves with the folder when that folder is deleted. */
  folder: string;
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
}

let nextId = 0;

export interface UploadCallbacks {
  update: (item: UploadItem) => void;
  /** Each file as it lands, so the grid shows it at once rather than after the whole batch. */
  uploaded: (image: ImageView) => void;
}

/** Uploads files one after another into `folder`; each file reports its own progress or error. */
export async function uploadAll(files: File[], folder: string, { update, uploaded }: UploadCallbacks): Promise<void> {
  const items = files.map((file) => ({
    file,
    item: { id: nextId++, name: file.name, bytes: file.size, folder, progress: 0, status: 'uploading' as const },
  }));
  items.forEach(({ item }) => update(item));
  for (const { file, item } of items) {
    const form = new FormData();
    form.append('file', file);
    if (folder) form.append('folder', folder);
    try {
      const image = await uploadFile(null, form, (progress) => update({ ...item, progress }));
      update({ ...item, progress: 1, status: 'done' });
      uploaded(image);
    } catch (e) {
      // A refused file (not an image, too large) fails alone; the rest go on.
      update({ ...item, status: 'failed', error: messageOf(e) });
    }
  }
}

/** A row changes where it stands: the list keeps its order while uploads progress. */
export const withUpdate = (list: UploadItem[], item: UploadItem) =>
  list.some((i) => i.id === item.id) ? list.map((i) => (i.id === item.id ? item : i)) : [...list, item];

/** What a screen reader hears as uploads go: counts as they change, not every percent (each failure is an alert of its own). */
function announcement(items: UploadItem[]): string {
  const uploading = items.filter((i) => i.status === 'uploading').length;
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  const parts = [
    uploading ? `Uploading ${uploading} file${uploading === 1 ? '' : 's'}.` : '',
    done ? `${done} uploaded.` : '',
    failed ? `${failed} failed.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  const finished = items.some((i) => i.status !== 'uploading');
  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite" data-testid="upload-status">
        {announcement(items)}
      </p>
      {items.length > 0 && (
        <section class="uploads" aria-label="Uploads">
          <ul>
            {items.map((item) => (
              <li key={item.id} class={item.status}>
                <span class="name" title={item.name}>
                  {item.name} <span class="muted">· {formatBytes(item.bytes)}</span>
                </span>
                {item.status === 'failed' ? (
                  <span class="muted">failed</span>
                ) : (
                  <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
                )}
                <span class="muted">{item.status === 'done' ? 'done' : item.status === 'uploading' ? `${Math.round(item.progress * 100)}%` : ''}</span>
                {item.status === 'failed' && (
                  <p class="error" role="alert">
                    {item.error}
                  </p>
                )}
              </li>
            ))}
          </ul>
          {finished && (
            <button type="button" class="clear-uploads" onClick={onClear}>
              Clear finished
            </button>
          )}
        </section>
      )}
    </>
  );
}
