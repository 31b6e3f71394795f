import { useEffect, useRef, useState } from 'preact/hooks';
import { api, copyText, formatBytes, messageOf, signUrl, uploadFile, type ImageView, type PresetView } from './api';

type UrlKind = { kind: 'full' } | { kind: 'preset'; name: string } | { kind: 'custom' };

export function ImagePanel(props: { image: ImageView; folders: string[]; onClose: () => void; onChanged: (image: ImageView | null) => void }) {
  const { image, folders, onClose, onChanged } = props;
  const [presets, setPresets] = useState<PresetView[]>([]);
  const [kind, setKind] = useState<UrlKind>({ kind: 'full' });
  const [transform, setTransform] = useState('w_800,f_webp');
  const [url, setUrl] = useState('');
  const [preview, setPreview] = useState('');
  const [urlError, setUrlError] = useState('');
  const [copied, setCopied] = useState(false);
  const [name, setName] = useState(image.originalName);
  const [folder, setFolder] = useState(image.folder);
  const [error, setError] = useState('');
  const urlInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api<{ items: PresetView[] }>('GET', '/api/v1/presets').then((r) => setPresets(r.items));
    signUrl(image.id, { transform: 'w_800,f_webp' }).then((r) => setPreview(r.url));
    setName(image.originalName);
    setFolder(image.folder);
  }, [image.id, image.version]);

  useEffect(() => {
    setCopied(false);
    const spec = kind.kind === 'preset' ? { preset: kind.name } : kind.kind === 'custom' ? { transform } : {};
    const timer = setTimeout(
      () =>
        signUrl(image.id, spec).then(
          (r) => {
            setUrl(r.url);
            setUrlError('');
          },
          (e) => setUrlError(messageOf(e)),
        ),
      kind.kind === 'custom' ? 250 : 0,
    );
    return () => clearTimeout(timer);
  }, [image.id, image.version, kind, transform]);

  const act = async (run: () => Promise<ImageView | null>) => {
    try {
      onChanged(await run());
      setError('');
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const choice = kind.kind === 'preset' ? `preset:${kind.name}` : kind.kind;
  return (
    <aside class="panel card" data-testid="image-panel" aria-label={`Image ${image.originalName}`}>
      <header class="row spread">
        <h2 title={image.originalName}>{image.originalName}</h2>
        <button class="ghost" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      {preview && <img class="preview" src={preview} alt={image.originalName} />}
      <dl class="meta">
        <dt>Size</dt>
        <dd>
          {image.width}×{image.height} · {image.format.toUpperCase()} · {formatBytes(image.bytes)}
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
      </dl>

      <h3>Public URL</h3>
      <div class="row">
        <select
          aria-label="URL kind"
          value={choice}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setKind(v === 'full' ? { kind: 'full' } : v === 'custom' ? { kind: 'custom' } : { kind: 'preset', name: v.slice(7) });
          }}
        >
          <option value="full">Full size</option>
          {presets.map((p) => (
            <option value={`preset:${p.name}`}>Preset: {p.name}</option>
          ))}
          <option value="custom">Custom transform…</option>
        </select>
        {kind.kind === 'custom' && (
          <input aria-label="Transform" placeholder="w_600,f_webp,q_80" value={transform} onInput={(e) => setTransform(e.currentTarget.value)} />
        )}
      </div>
      <div class="row">
        <input ref={urlInput} readOnly data-testid="public-url" value={url} aria-label="Public URL" onFocus={(e) => e.currentTarget.select()} />
        <button
          data-testid="copy-url"
          class="primary"
          disabled={!url}
          onClick={async () => {
            await copyText(url, urlInput.current);
            setCopied(true);
          }}
        >
          {copied ? 'Copied!' : 'Copy'}
        </button>
      </div>
      {urlError && <p class="error">{urlError}</p>}

      <h3>Edit</h3>
      <form class="row" onSubmit={(e) => (e.preventDefault(), act(() => api('PATCH', `/api/v1/images/${image.id}`, { originalName: name })))}>
        <input aria-label="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <button>Rename</button>
      </form>
      <form class="row" onSubmit={(e) => (e.preventDefault(), act(() => api('PATCH', `/api/v1/images/${image.id}`, { folder })))}>
        <select aria-label="Folder" value={folder} onChange={(e) => setFolder(e.currentTarget.value)}>
          <option value="">/ (root)</option>
          {folders.map((f) => (
            <option value={f}>{f}</option>
          ))}
        </select>
        <button>Move</button>
      </form>
      <div class="row">
        <label class="button">
          Replace file…
          <input
            type="file"
            accept="image/*"
            class="visually-hidden"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              const form = new FormData();
              form.append('file', file);
              act(() => uploadFile(`/api/v1/images/${image.id}`, 'PUT', form, () => {}));
            }}
          />
        </label>
        <button
          class="danger"
          onClick={() =>
            confirm(`Delete "${image.originalName}" and all its cached sizes? Its URLs will stop working.`) &&
            act(async () => {
              await api('DELETE', `/api/v1/images/${image.id}`);
              onClose();
              return null;
            })
          }
        >
          Delete
        </button>
      </div>
      {error && <p class="error">{error}</p>}
    </aside>
  );
}
