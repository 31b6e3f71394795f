import { downloadName } from '../core/download-name';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { call, formatBytes, messageOf, param, signUrl, uploadFile, v1, type ImageView, type PresetView } from './api';
import { confirmDialog } from './confirm-dialog';
import { EmbedTab } from './embed-tab';
import { FocalPointEditor } from './focal-point';
import { ImageLabels } from './image-labels';
import { PublicUrl } from './public-url';
import { Tabs } from './tabs';
import { TransformPlayground } from './transform-playground';
import { useCanChange } from './me';

export function ImagePanel(props: { image: ImageView; folders: string[]; onClose: () => void; onChanged: (image: ImageView | null) => void }) {
  const { image, folders, onClose, onChanged } = props;
  const [presets, setPresets] = useState<PresetView[]>([]);
  const [preview, setPreview] = useState('');
  const [name, setName] = useState(image.originalName);
  const [folder, setFolder] = useState(image.folder);
  const [error, setError] = useState('');
  const panel = useRef<HTMLElement>(null);
  const [variants, setVariants] = useState(image.variants);

  // Eager variants being computed: follow them until none is pending.
  useEffect(() => {
    setVariants(image.variants);
    if (image.variants.pending === 0) return;
    let stopped = false;
    const timer = setInterval(() => {
      call(v1.images(param(image.id)).get()).then(
        (fresh) => {
          if (stopped) return;
          setVariants(fresh.variants);
          if (fresh.variants.pending === 0) clearInterval(timer);
        },
        () => clearInterval(timer),
      );
    }, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [image.id, image.version, image.variants.pending, image.variants.ready]);

  // Opened from a tile: focus follows, so the keyboard (and Escape) works here at once; in the
  // render that opens it, as a key pressed before the next frame would otherwise be lost.
  useLayoutEffect(() => panel.current?.focus({ preventScroll: true }), []);

  useEffect(() => {
    call(v1.presets.get()).then(
      (r) => setPresets(r.items),
      (e) => setError(messageOf(e)),
    );
    // Signed URLs carry the image's version: after a replace this is a new URL, not a cached picture.
    signUrl(image.id, { transform: 'w_800,f_webp' }).then(
      (r) => setPreview(r.url),
      (e) => setError(messageOf(e)),
    );
    setName(image.originalName);
    setFolder(image.folder);
  }, [image.version]);

  /** Runs a change and hands on its result; false (with the error shown) when it failed. */
  const canChange = useCanChange();
  const act = async (run: () => Promise<ImageView | null>) => {
    try {
      onChanged(await run());
      setError('');
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    }
  };

  return (
    <aside
      ref={panel}
      tabIndex={-1}
      class="panel card"
      data-testid="image-panel"
      aria-label={`Image ${image.originalName}`}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <header class="row spread">
        <h2 title={image.originalName}>{image.originalName}</h2>
        <button class="close" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <Tabs
        label="Image"
        idPrefix="image-panel"
        tabs={[
          {
            id: 'details',
            label: 'Details',
            content: (
              <>
                {canChange ? (
                  <FocalPointEditor image={image} preview={preview} onSave={(focalPoint) => act(() => call(v1.images(param(image.id)).patch({ focalPoint })))} />
                ) : (
                  preview && <img class="panel-preview" src={preview} alt={image.alt || image.originalName} />
                )}
                <dl class="meta">
                  <dt>Size</dt>
                  <dd>
                    {image.width}×{image.height} · {image.format.toUpperCase()}
                    {image.animated ? `, ${image.frames} frames` : ''} · {formatBytes(image.bytes)}
                  </dd>
                  <dt>Folder</dt>
                  <dd>{image.folder || '/ (root)'}</dd>
                  <dt>Version</dt>
                  <dd>{image.version}</dd>
                  <dt>Updated</dt>
                  <dd>{new Date(image.updatedAt).toLocaleString()}</dd>
                  <dt>Id</dt>
                  <dd>
                    <code>{image.id}</code>
                  </dd>
                  <dt>Eager variants</dt>
                  <dd data-testid="image-variants">
                    {variants.pending + variants.ready === 0
                      ? 'none'
                      : `${variants.ready} ready${variants.pending > 0 ? `, ${variants.pending} pending` : ''}`}
                  </dd>
                </dl>

                {canChange ? (
                  <ImageLabels image={image} onSaved={onChanged} />
                ) : (
                  <dl class="meta" data-testid="image-labels-read">
                    <dt>Tags</dt>
                    <dd>{image.tags.join(', ') || 'none'}</dd>
                    <dt>Alt text</dt>
                    <dd>{image.alt || 'none'}</dd>
                  </dl>
                )}

                <h3>Public URL</h3>
                <PublicUrl image={image} presets={presets} />

                {!canChange && (
                  <a class="button" href={image.downloadUrl} download={downloadName(image)} data-testid="image-download">
                    Download
                  </a>
                )}
                {canChange && (
                <>
                <h3>Edit</h3>
                <form class="row" onSubmit={(e) => (e.preventDefault(), act(() => call(v1.images(param(image.id)).patch({ originalName: name }))))}>
                  <input aria-label="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
                  <button>Rename</button>
                </form>
                <form class="row" onSubmit={(e) => (e.preventDefault(), act(() => call(v1.images(param(image.id)).patch({ folder }))))}>
                  <select aria-label="Folder" value={folder} onChange={(e) => setFolder(e.currentTarget.value)}>
                    <option value="">/ (root)</option>
                    {folders.map((f) => (
                      <option value={f}>{f}</option>
                    ))}
                  </select>
                  <button>Move</button>
                </form>
                <div class="row">
                  <label class="button" title="Upload a new file under the same id and URLs">
                    Replace
                    <input
                      type="file"
                      accept="image/*,.heic,.heif,.svg"
                      class="visually-hidden"
                      onChange={(e) => {
                        const file = e.currentTarget.files?.[0];
                        if (!file) return;
                        const form = new FormData();
                        form.append('file', file);
                        act(() => uploadFile(image.id, form, () => {}));
                      }}
                    />
                  </label>
                  <a class="button" href={image.downloadUrl} download={downloadName(image)} data-testid="image-download">
                    Download
                  </a>
                  <button
                    class="danger"
                    title="Moves the image to the trash"
                    onClick={async () =>
                      (await confirmDialog({
                        title: 'Move to the trash?',
                        message: `"${image.originalName}" moves to the trash: its URLs stop working at once. Restore it from Trash until it is deleted for good.`,
                        confirmLabel: 'Move to trash',
                        danger: true,
                      })) &&
                      act(async () => {
                        await call(v1.images(param(image.id)).delete());
                        onClose();
                        return null;
                      })
                    }
                  >
                    Delete
                  </button>
                </div>
                </>
                )}
              </>
            ),
          },
          { id: 'embed', label: 'Embed', content: <EmbedTab image={image} presets={presets} /> },
          { id: 'transform', label: 'Transform', content: <TransformPlayground image={image} /> },
        ]}
      />
      {error && <p class="error">{error}</p>}
    </aside>
  );
}
