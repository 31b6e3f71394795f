import { DEFAULT_PAGE_SIZE } from '../core/paging';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, call, messageOf, v1, type FolderTreeView, type ImagePage, type ImageView } from './api';
import { useWindowFileDrop } from './file-drop';
import { FolderDrawer } from './folder-drawer';
import { FolderTree } from './folder-tree';
import { ImagePanel } from './image-panel';
import { useBulkRunner } from './bulk-actions';
import { BulkToolbar } from './bulk-toolbar';
import { confirmDialog } from './confirm-dialog';
import { focusTileAt, gridKeyHandler } from './grid-keys';
import { startImageDrag } from './image-drag';
import { useSelection } from './use-selection';
import { readRoute, replaceRoute, type Selection } from './route';
import { uploadAll, UploadList, withUpdate, type UploadItem } from './uploader';
import { Breadcrumbs } from './breadcrumbs';
import { FolderTiles, subFolders } from './folder-tiles';
import { ImageTable } from './image-table';
import { TileContent } from './image-tile';
import { activeFilters, listingQuery, type Listing } from './listing';
import { ListingControls } from './listing-controls';
import { useViewMode } from './use-view-mode';
import { useCanChange } from './me';

const PAGE_SIZE = DEFAULT_PAGE_SIZE;

function flatten(nodes: FolderTreeView[]): string[] {
  return nodes.flatMap((n) => [n.path, ...flatten(n.children)]);
}

export function Library() {
  const [start] = useState(readRoute);
  const [tree, setTree] = useState<FolderTreeView[]>([]);
  const [selected, setSelected] = useState<Selection>(start.folder);
  const [q, setQ] = useState(start.q);
  const [page, setPage] = useState(start.page);
  const [data, setData] = useState<ImagePage | null>(null);
  // Folders whose names match the search, inside the folder searched.
  const [folderHits, setFolderHits] = useState<string[]>([]);
  const [error, setError] = useState('');
  const [missingFolder, setMissingFolder] = useState(false);
  const [open, setOpen] = useState<ImageView | null>(null);
  // The tile the panel was opened from, where focus goes back when it closes.
  const opener = useRef<HTMLElement | null>(null);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  // Bumped after every change, so the list reloads with the state of the next render, not a stale one.
  const [version, setVersion] = useState(0);
  // Order and filters of the listing, and grid or list (remembered in this browser), as the address says.
  const [listing, setListing] = useState<Listing>(start.listing);
  const [view, setView, showView] = useViewMode(start.view);

  const loadTree = () =>
    call(v1.folders.get()).then(
      (r) => setTree(r.folders),
      (e) => setError(messageOf(e)),
    );
  // Answers can arrive out of order (a slow listing, then a quick one for the next filter): only the last asked is shown.
  const lastAsked = useRef(0);
  const loadImages = async () => {
    const asked = ++lastAsked.current;
    const query = {
      page: String(page),
      pageSize: String(PAGE_SIZE),
      folder: selected === null ? undefined : selected === '' ? '/' : selected,
      // A folder shows what is below it too: searching `products` finds what `products/shoes` holds.
      recursive: selected ? ('true' as const) : undefined,
      q: q || undefined,
      ...listingQuery(listing),
    };
    const inScope = (path: string) => !selected || path.startsWith(`${selected}/`);
    const hits = q && selected !== '' ? call(v1.search.get({ query: { q } })).then((r) => r.folders.map((f) => f.path).filter(inScope), () => []) : Promise.resolve([]);
    try {
      const answer = await call(v1.images.get({ query }));
      const folders = await hits;
      if (asked !== lastAsked.current) return;
      setData(answer);
      setFolderHits(folders);
      setMissingFolder(false);
      setError('');
    } catch (e) {
      if (asked !== lastAsked.current) return;
      // The images of the place the user left would read as the answer for this one.
      setData(null);
      // A link to a folder since moved or deleted: said plainly, with the way out beside it.
      setMissingFolder(e instanceof ApiError && e.status === 404 && selected !== null && selected !== '');
      setError(messageOf(e));
    }
  };
  const reload = async () => {
    await loadTree();
    setVersion((v) => v + 1);
  };

  // Bulk work: the images chosen (kept across pages), names for its reports, its keys.
  const selection = useSelection();
  const names = useRef(new Map<string, string>());
  data?.items.forEach((image) => names.current.set(image.id, image.originalName));
  const pageIds = data?.items.map((image) => image.id) ?? [];
  const bulk = useBulkRunner(
    (id) => names.current.get(id) ?? id,
    // Moved or deleted images leave the selection (and often the page); what failed stays, to retry or look at.
    (failed, change) => {
      if (change.action === 'move' || change.action === 'delete') selection.set(failed);
      void reload();
    },
  );
  // After a Delete from the keyboard, the focus goes to the tile that takes the deleted one's place.
  const refocusAt = useRef<number | null>(null);
  useEffect(() => {
    if (refocusAt.current === null) return;
    focusTileAt(refocusAt.current);
    refocusAt.current = null;
  }, [data]);
  const canChange = useCanChange();
  const deleteImages = async (ids: string[], refocus: number | null = null) => {
    const what = ids.length === 1 ? `"${names.current.get(ids[0]!) ?? ids[0]}"` : `${ids.length} images`;
    const where = ids.length === 1 ? 'It goes to the trash, where it can be restored.' : 'They go to the trash, where they can be restored.';
    if (!(await confirmDialog({ title: `Delete ${what}?`, message: `Delete ${what}? ${where}`, confirmLabel: 'Delete', danger: true }))) return;
    if (open && ids.includes(open.id)) setOpen(null);
    refocusAt.current = refocus;
    await bulk.run(ids, { action: 'delete' });
  };
  const onGridKey = gridKeyHandler((id, index) => {
    // A viewer's Delete key deletes nothing (and asks nothing).
    if (!canChange) return;
    const ids = selection.has(id) ? selection.ids : [id];
    // The first of them on this page: the tile after them moves up into its place.
    void deleteImages(ids, Math.min(index, ...ids.map((x) => pageIds.indexOf(x)).filter((i) => i >= 0)));
  });

  useEffect(() => {
    loadTree();
  }, []);
  // A deleted folder takes its finished upload rows with it.
  useEffect(() => {
    const paths = new Set(flatten(tree));
    setUploads((list) => list.filter((i) => i.status === 'uploading' || i.folder === '' || paths.has(i.folder)));
  }, [tree]);
  useEffect(() => {
    // Typed text waits for a pause; a choice in a menu lists at once.
    const timer = setTimeout(loadImages, q || listing.minWidth || listing.tag ? 200 : 0);
    return () => clearTimeout(timer);
  }, [selected, q, page, version, listing]);
  // With the render it describes, so a reload or a copied link right after a change keeps it.
  useLayoutEffect(() => replaceRoute({ tab: 'images', folder: selected, page, q, listing, view }), [selected, q, page, listing, view]);
  // The library writes its place with replaceState, which fires no hashchange: one fired is the
  // user going somewhere (the Images tab, a link pasted or edited), and the library follows.
  useLayoutEffect(() => {
    const follow = () => {
      const route = readRoute();
      if (route.tab !== 'images') return;
      selection.clear();
      setOpen(null);
      setSelected(route.folder);
      setQ(route.q);
      setPage(route.page);
      setListing(route.listing);
      if (route.view) showView(route.view);
    };
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  const select = (s: Selection) => {
    selection.clear();
    setSelected(s);
    setPage(1);
    setOpen(null);
  };
  const close = () => {
    setOpen(null);
    opener.current?.focus();
  };

  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    await uploadAll(files, selected ?? '', {
      update: (item) => setUploads((list) => withUpdate(list, item)),
      uploaded: () => void reload(),
    });
  };
  // A viewer's drop uploads nothing: the page does not take files from them at all.
  const dragging = useWindowFileDrop(canChange ? upload : async () => {});

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const where = selected === null ? 'all folders' : selected === '' ? 'the root folder' : selected;

  return (
    <div class="library">
      <FolderDrawer where={selected === null ? 'All images' : selected === '' ? '/ (root)' : selected}>
        <FolderTree tree={tree} selected={selected} onSelect={select} onChanged={reload} onDropImages={(folder, ids) => void bulk.run(ids, { action: 'move', folder })} />
      </FolderDrawer>
      <section class="images" aria-label="Images">
        <Breadcrumbs selected={selected} onSelect={select} />
        <div class="toolbar">
          <input
            type="search"
            data-testid="image-search"
            placeholder={`Search ${where}`}
            aria-label="Search images by name, tag or alt text"
            value={q}
            onInput={(e) => {
              setQ(e.currentTarget.value);
              setPage(1);
            }}
          />
          {canChange && (
          <label class="button primary">
            Upload
            <input
              type="file"
              multiple
              accept="image/*,.heic,.heif,.svg"
              data-testid="upload-input"
              class="visually-hidden"
              onChange={(e) => {
                const input = e.currentTarget;
                upload([...(input.files ?? [])]).finally(() => (input.value = ''));
              }}
            />
          </label>
          )}
        </div>
        <ListingControls
          listing={listing}
          onChange={(next) => {
            setListing(next);
            setPage(1);
          }}
          view={view}
          onView={setView}
        />
        {canChange && <p class="muted hint drop-hint">Drop images anywhere on the page to upload them into {selected === null ? 'the root folder' : where}.</p>}
        <UploadList items={uploads} onClear={() => setUploads((list) => list.filter((i) => i.status === 'uploading'))} />
        {error &&
          (missingFolder ? (
            <p class="error" role="alert" data-testid="missing-folder">
              There is no folder “{selected}”: it may have been moved, renamed or deleted.{' '}
              <button type="button" class="small" onClick={() => select(null)}>
                Show every image
              </button>
            </p>
          ) : (
            <p class="error">{error}</p>
          ))}
        <BulkToolbar selection={selection} pageIds={pageIds} folders={flatten(tree)} runner={bulk} onDelete={deleteImages} />
        {folderHits.length > 0 && (
          <nav class="folder-hits" aria-label="Matching folders">
            <span class="muted">Folders:</span>
            {folderHits.map((path) => (
              <button type="button" onClick={() => (setQ(''), select(path))}>
                {path}
              </button>
            ))}
          </nav>
        )}
        {page === 1 && !q && <FolderTiles folders={subFolders(tree, selected)} onOpen={select} />}
        {data && data.items.length === 0 && (
          <div class="empty">
            <p>{q ? `No image in ${where} matches “${q}”.` : activeFilters(listing) > 0 ? `No image in ${where} matches the filters.` : `No images in ${where} yet.`}</p>
            {/* An upload is the way on only where the folder is empty, not where a search or filter found nothing. */}
            {canChange && !q && activeFilters(listing) === 0 && <p class="muted">Drop files here or use Upload.</p>}
          </div>
        )}
        {view === 'list' && data && data.items.length > 0 && (
          <ImageTable
            images={data.items}
            shownFolder={selected ?? ''}
            openId={open?.id ?? null}
            onOpen={(image, from) => {
              opener.current = from;
              setOpen(image);
            }}
          />
        )}
        <ul class="grid" hidden={view === 'list'} onKeyDown={onGridKey}>
          {data?.items.map((image) => (
            // Keyed: a tile showing another image is a new <img>, never the old one painting the
            // previous image's picture until its own arrives.
            <li
              key={image.id}
              data-testid="image-tile"
              data-id={image.id}
              class={`${open?.id === image.id ? 'active' : ''} ${selection.has(image.id) ? 'selected' : ''}`}
              draggable
              onDragStart={(e) => startImageDrag(e, selection.has(image.id) ? selection.ids : [image.id])}
            >
              <input
                type="checkbox"
                class="tile-check"
                aria-label={`Select ${image.originalName}`}
                checked={selection.has(image.id)}
                onClick={(e) => selection.toggle(image.id, e.shiftKey, pageIds)}
              />
              <button
                class="tile-open"
                onClick={(e) => {
                  // Shift, Ctrl or Cmd: choose, as on the box, instead of opening.
                  if (e.shiftKey || e.ctrlKey || e.metaKey) return selection.toggle(image.id, e.shiftKey, pageIds);
                  opener.current = e.currentTarget;
                  setOpen(image);
                }}
              >
                <TileContent image={image} shownFolder={selected ?? ''} />
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
          key={open.id}
          image={open}
          folders={flatten(tree)}
          onClose={close}
          onChanged={async (changed) => {
            setOpen(changed);
            await reload();
          }}
        />
      )}
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          <p>Drop to upload into {selected === null ? 'the root folder' : where}</p>
        </div>
      )}
    </div>
  );
}
