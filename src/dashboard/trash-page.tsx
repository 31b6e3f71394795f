import { useEffect, useState } from 'preact/hooks';
import type { TrashPage as TrashPageView } from '../api/trash';
import { call, formatBytes, messageOf, param, v1 } from './api';
import { confirmDialog } from './confirm-dialog';
import { useCanChange } from './me';

type TrashItem = TrashPageView['items'][number];

const PAGE_SIZE = 24;
const DAY_MS = 86_400_000;

/** Days until the background job deletes it for good, counting the day under way. */
export function daysLeft(purgeAt: string, now = Date.now()): string {
  const days = Math.max(0, Math.ceil((Date.parse(purgeAt) - now) / DAY_MS));
  return days <= 1 ? 'Deleted for good within a day' : `${days} days left`;
}

const where = (item: TrashItem) => (item.image.folder ? `in ${item.image.folder}` : 'in / (root)');

/**
 * The trash: images deleted from the library (or with their folder), each with how long it is
 * kept. Restore puts one back in its folder; Delete permanently removes it and its files. A
 * trashed image is not delivered, so its preview is its stored placeholder, not a thumbnail.
 */
export function TrashPage() {
  const [page, setPage] = useState(1);
  const canChange = useCanChange();
  const [data, setData] = useState<TrashPageView | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  const load = async (at = page) => {
    const next = await call(v1.trash.get({ query: { page: String(at), pageSize: String(PAGE_SIZE) } }));
    // The last item of the last page restored: show the page before, not an empty one.
    if (next.items.length === 0 && at > 1) return setPage(at - 1);
    setData(next);
  };
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, [page]);

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      setError('');
      // Said once the list shows it: "Restored …" beside the same row still listed read as a failure.
      await load();
      setStatus(done);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const restore = (item: TrashItem) =>
    act(() => call(v1.images(param(item.image.id)).restore.post()), `Restored “${item.image.originalName}” ${where(item)}.`);
  const purge = async (item: TrashItem) => {
    const sure = await confirmDialog({
      title: 'Delete permanently?',
      message: `Delete “${item.image.originalName}” for good, with its original file and every cached size? This cannot be undone.`,
      confirmLabel: 'Delete permanently',
      danger: true,
    });
    if (sure) await act(() => call(v1.images(param(item.image.id)).delete(undefined, { query: { permanent: 'true' } })), `Deleted “${item.image.originalName}” for good.`);
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <div class="page trash-page">
      <section class="card">
        <h2>Trash</h2>
        <p class="muted">
          Deleted images wait here until they are deleted for good: they are not delivered and not listed meanwhile. Restore puts an image back in its folder, with
          the same URLs.
        </p>
        <p class="visually-hidden" role="status">
          {status}
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {data === null ? (
          <p class="muted">Loading…</p>
        ) : data.total === 0 ? (
          <p class="empty" data-testid="trash-empty">
            The trash is empty.
          </p>
        ) : (
          <ul class="trash-list" aria-label={`${data.total} ${data.total === 1 ? 'image' : 'images'} in the trash`}>
            {data.items.map((item) => (
              <li class="trash-item" data-testid="trash-item" data-image-id={item.image.id}>
                <span class="trash-preview" style={{ backgroundColor: item.image.placeholder?.color }}>
                  {item.image.placeholder && <img src={item.image.placeholder.dataUri} alt="" width={56} height={56} />}
                </span>
                <span class="trash-about">
                  <strong class="trash-name" id={`trash-name-${item.image.id}`}>
                    {item.image.originalName}
                  </strong>
                  <span class="muted">
                    {where(item)} · {item.image.width}×{item.image.height} · {formatBytes(item.image.bytes)}
                  </span>
                  <span class="muted">
                    Deleted {new Date(item.trashedAt).toLocaleString()} ·{' '}
                    <span data-testid="trash-days-left" title={`Deleted for good on ${new Date(item.purgeAt).toLocaleString()}`}>
                      {daysLeft(item.purgeAt)}
                    </span>
                  </span>
                </span>
                {canChange && (
                  <span class="trash-actions">
                    <button class="small" onClick={() => restore(item)} aria-describedby={`trash-name-${item.image.id}`}>
                      Restore
                    </button>
                    <button class="small danger" onClick={() => purge(item)} aria-describedby={`trash-name-${item.image.id}`}>
                      Delete permanently
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
        {pages > 1 && (
          <nav class="pager" aria-label="Trash pages">
            <button class="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span>
              Page {page} of {pages}
            </span>
            <button class="small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}
