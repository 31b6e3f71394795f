import { useEffect, useState } from 'preact/hooks';
import { api, formatBytes, messageOf, type FolderTreeView, type ImagePage, type ImageView } from './api';
import { FolderTree, type Selection } from './folder-tree';
import { ImagePanel } from './image-panel';
import { uploadAll, UploadList, type UploadItem } from './uploader';

const PAGE_SIZE = 24;

function flatten(nodes: FolderTreeView[]): string[] {
  return nodes.flatMap((n) => [n.path, ...flatten(n.children)]);
}

export function Library() {
  const [tree, setTree] = useState<FolderTreeView[]>([]);
  const [selected, setSelected] = useState<Selection>(null);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<ImagePage | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<ImageView | null>(null);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  // Bumped after every change, so the list reloads with the state of the next render, not a stale one.
  const [version, setVersion] = useState(0);

  const loadTree = () => api<{ folders: FolderTreeView[] }>('GET', '/api/v1/folders').then((r) => setTree(r.folders));
  const loadImages = async () => {
    const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
    if (selected !== null) params.set('folder', selected === '' ? '/' : selected);
    if (q) params.set('q', q);
    try {
      setData(await api<ImagePage>('GET', `/api/v1/images?${params}`));
      setError('');
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const reload = async () => {
    await loadTree();
    setVersion((v) => v + 1);
  };

  useEffect(() => {
    loadTree();
  }, []);
  useEffect(() => {
    const timer = setTimeout(loadImages, q ? 200 : 0);
    return () => clearTimeout(timer);
  }, [selected, q, page, version]);

  const select = (s: Selection) => {
    setSelected(s);
    setPage(1);
    setOpen(null);
  };

  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    await uploadAll(files, selected ?? '', (item) => setUploads((list) => [...list.filter((i) => i.id !== item.id), item]));
    await reload();
  };

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const where = selected === null ? 'all folders' : selected === '' ? 'the root folder' : selected;

  return (
    <div
      class={`library ${dragging ? 'dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        upload([...(e.dataTransfer?.files ?? [])]);
      }}
    >
      <FolderTree tree={tree} selected={selected} onSelect={select} onChanged={reload} />
      <section class="images" aria-label="Images">
        <div class="toolbar">
          <input
            type="search"
            data-testid="image-search"
            placeholder={`Search ${where}`}
            aria-label="Search images by name"
            value={q}
            onInput={(e) => {
              setQ(e.currentTarget.value);
              setPage(1);
            }}
          />
          <label class="button primary">
            Upload
            <input
              type="file"
              multiple
              accept="image/*"
              data-testid="upload-input"
              class="visually-hidden"
              onChange={(e) => {
                const input = e.currentTarget;
                upload([...(input.files ?? [])]).finally(() => (input.value = ''));
              }}
            />
          </label>
        </div>
        <p class="muted hint">Drop images anywhere here to upload them into {selected === null ? 'the root folder' : where}.</p>
        <UploadList items={uploads} />
        {error && <p class="error">{error}</p>}
        {data && data.items.length === 0 && (
          <div class="empty">
            <p>{q ? `No image in ${where} matches “${q}”.` : `No images in ${where} yet.`}</p>
            <p class="muted">Drag files here or use Upload.</p>
          </div>
        )}
        <ul class="grid">
          {data?.items.map((image) => (
            <li data-testid="image-tile" class={open?.id === image.id ? 'active' : ''}>
              <button onClick={() => setOpen(image)} aria-label={`Open ${image.originalName}`}>
                <img src={image.thumbnailUrl} alt={image.originalName} loading="lazy" width={240} height={Math.round((240 * image.height) / image.width)} />
                <span class="name" title={image.originalName}>
                  {image.originalName}
                </span>
                <span class="muted">
                  {image.width}×{image.height} · {formatBytes(image.bytes)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {pages > 1 && (
          <nav class="pager" aria-label="Pages">
            <button disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ← Previous
            </button>
            <span class="muted">
              Page {page} of {pages} · {data?.total} images
            </span>
            <button disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next →
            </button>
          </nav>
        )}
      </section>
      {open && (
        <ImagePanel
          image={open}
          folders={flatten(tree)}
          onClose={() => setOpen(null)}
          onChanged={async (changed) => {
            setOpen(changed);
            await reload();
          }}
        />
      )}
    </div>
  );
}
