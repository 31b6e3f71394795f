import { messageOf, uploadFile } from './api';

export interface UploadItem {
  id: number;
  name: string;
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  error?: string;
}

let nextId = 0;

/** Uploads files one after another into `folder`; each file reports its own progress or error. */
export async function uploadAll(files: File[], folder: string, update: (item: UploadItem) => void): Promise<void> {
  const items = files.map((file) => ({ file, item: { id: nextId++, name: file.name, progress: 0, status: 'uploading' as const } }));
  items.forEach(({ item }) => update(item));
  for (const { file, item } of items) {
    const form = new FormData();
    form.append('file', file);
    if (folder) form.append('folder', folder);
    try {
      await uploadFile(null, form, (progress) => update({ ...item, progress }));
      update({ ...item, progress: 1, status: 'done' });
    } catch (e) {
      // A refused file (not an image, too large) fails alone; the rest go on.
      update({ ...item, status: 'failed', error: messageOf(e) });
    }
  }
}

export function UploadList({ items }: { items: UploadItem[] }) {
  if (items.length === 0) return null;
  return (
    <ul class="uploads" aria-label="Uploads">
      {items.map((item) => (
        <li class={item.status}>
          <span class="name">{item.name}</span>
          {item.status === 'failed' ? (
            <span class="error">{item.error}</span>
          ) : (
            <progress max={1} value={item.progress} aria-label={`Upload of ${item.name}`} />
          )}
          <span class="muted">{item.status === 'done' ? 'done' : item.status === 'uploading' ? `${Math.round(item.progress * 100)}%` : ''}</span>
        </li>
      ))}
    </ul>
  );
}
