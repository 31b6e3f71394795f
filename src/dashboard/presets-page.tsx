import { useEffect, useState } from 'preact/hooks';
import { call, messageOf, param, signUrl, v1, type ImageView, type PresetView } from './api';
import { useCollection } from './use-collection';
import { WarmPreset } from './warm-preset';

/**
 * The widths typed as "320, 640, 960": null when the field is empty (a preset without widths).
 * Anything numeric goes to the server, whose 400 names the rule; only what is not a number at
 * all is refused here, since JSON would send it as null.
 */
export function parseWidths(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return null;
  return parts.map((part) => {
    const width = Number(part.replace(/px$|w$/i, ''));
    if (!Number.isFinite(width)) throw new Error(`Widths: "${part}" is not a number (write them as 320, 640, 960)`);
    return width;
  });
}

/** The formats an eager preset may be computed in, in the order the form offers them. */
const EAGER_FORMATS = ['avif', 'webp', 'jpeg', 'png'] as const;
type EagerFormat = (typeof EAGER_FORMATS)[number];

export function PresetsPage() {
  const presets = useCollection<PresetView>({ list: () => call(v1.presets.get()), remove: (id) => call(v1.presets(param(id)).delete()) });
  const [images, setImages] = useState<ImageView[]>([]);
  const [sample, setSample] = useState('');
  const [name, setName] = useState('');
  const [params, setParams] = useState('w_400,h_300,c_cover,f_webp,q_80');
  const [widths, setWidths] = useState('');
  const [eager, setEager] = useState(false);
  const [formats, setFormats] = useState<EagerFormat[]>([]);
  const [preview, setPreview] = useState('');
  const [previewError, setPreviewError] = useState('');

  useEffect(() => {
    call(v1.images.get({ query: { pageSize: '50' } })).then(
      (r) => {
        setImages(r.items);
        if (r.items[0]) setSample(r.items[0].id);
      },
      (e) => setPreviewError(messageOf(e)),
    );
  }, []);

  // Live preview: the same signing and validation as the API, so a bad segment is named here.
  useEffect(() => {
    if (!sample) return;
    const timer = setTimeout(
      () =>
        signUrl(sample, { transform: params }).then(
          (r) => {
            setPreview(r.url);
            setPreviewError('');
          },
          (e) => {
            setPreview('');
            setPreviewError(messageOf(e));
          },
        ),
      250,
    );
    return () => clearTimeout(timer);
  }, [sample, params]);

  const create = presets.submit(async () => {
    const list = parseWidths(widths);
    // No format ticked: the server's default (the transform's own format).
    await call(v1.presets.post({ name, params, ...(list && { widths: list }), ...(eager && { eager }), ...(formats.length > 0 && { formats }) }));
    setName('');
    setWidths('');
    setEager(false);
    setFormats([]);
  });

  const remove = (preset: PresetView) => presets.remove(preset, { title: 'Delete preset?', message: `Delete preset "${preset.name}"? Its URLs will answer 404.`, confirmLabel: 'Delete' });

  return (
    <div class="page two-columns">
      <section class="card">
        <h2>Presets</h2>
        <p class="muted">A preset is a named transform: anyone can build its URLs without a signature.</p>
        {!presets.loaded ? (
          <p class="muted">Loading…</p>
        ) : presets.items.length === 0 ? (
          <p class="empty">No presets yet: create one with the form under “New preset”.</p>
        ) : (
          <table class="presets">
            <thead>
              <tr>
                <th>Name</th>
                <th>Transform</th>
                <th>Widths</th>
                <th>Eager</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {presets.items.map((p) => (
                <tr>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>
                    <code>{p.params}</code>
                  </td>
                  <td data-testid="preset-widths-cell">{p.widths ? p.widths.join(', ') : <span class="muted">—</span>}</td>
                  <td data-testid="preset-eager-cell">{p.eager ? p.formats.join(', ') : <span class="muted">—</span>}</td>
                  <td class="preset-actions">
                    {p.eager && <WarmPreset preset={p} />}
                    <button class="danger small" onClick={() => remove(p)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card">
        <h2>New preset</h2>
        <form onSubmit={create}>
          <label>
            Name
            <input data-testid="preset-name" placeholder="thumb" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
          </label>
          <label>
            Transform
            <input data-testid="preset-params" value={params} onInput={(e) => setParams(e.currentTarget.value)} required />
          </label>
          <label>
            <span>
              Widths <span class="muted">(optional)</span>
            </span>
            <input
              data-testid="preset-widths"
              inputMode="numeric"
              placeholder="320, 640, 960, 1280"
              aria-describedby="preset-widths-help"
              value={widths}
              onInput={(e) => setWidths(e.currentTarget.value)}
            />
          </label>
          <p id="preset-widths-help" class="muted field-help">
            Makes a width-set preset: its URLs may ask for any of these widths without a signature, for a srcset and the image panel's Embed tab.
          </p>
          <label class="check">
            <input type="checkbox" data-testid="preset-eager" checked={eager} onChange={(e) => setEager(e.currentTarget.checked)} aria-describedby="preset-eager-help" />
            Eager
          </label>
          <p id="preset-eager-help" class="muted field-help">
            Computes its variants (each width × each format) in the background on upload and replace, so their first request is a cache hit.
          </p>
          <fieldset class="formats">
            <legend>
              Formats <span class="muted">(none ticked: the transform's own)</span>
            </legend>
            {EAGER_FORMATS.map((format) => (
              <label class="check">
                <input
                  type="checkbox"
                  data-testid={`preset-format-${format}`}
                  checked={formats.includes(format)}
                  onChange={(e) => setFormats(e.currentTarget.checked ? EAGER_FORMATS.filter((f) => f === format || formats.includes(f)) : formats.filter((f) => f !== format))}
                />
                {format.toUpperCase()}
              </label>
            ))}
          </fieldset>
          {presets.error && (
            <p class="error" role="alert">
              {presets.error}
            </p>
          )}
          <button class="primary" data-testid="preset-create">
            Create preset
          </button>
        </form>
        <h3>Preview</h3>
        {images.length === 0 ? (
          <p class="muted">Upload an image to see a preview.</p>
        ) : (
          <>
            <select aria-label="Preview image" value={sample} onChange={(e) => setSample(e.currentTarget.value)}>
              {images.map((i) => (
                <option value={i.id}>{i.originalName}</option>
              ))}
            </select>
            {previewError ? <p class="error">{previewError}</p> : preview && <img class="preview" data-testid="preset-preview" src={preview} alt="Preset preview" />}
          </>
        )}
      </section>
    </div>
  );
}
