import { useEffect, useRef, useState } from 'preact/hooks';
import type { EmbedView } from '../api/embed';
import { call, copyText, messageOf, param, v1, type ImageView, type PresetView } from './api';
import { placeholderBackground } from './placeholder';

interface Answer {
  /** The choice (image version, preset, sizes) this answer is for. */
  for: string;
  embed: EmbedView | null;
  error: string;
}

/** The URL of a srcset's last (largest) candidate: the `src` of browsers without srcset. */
const largestOf = (srcset: string) => srcset.split(', ').at(-1)!.split(' ')[0]!;

/** "AVIF at w_800" from a delivery URL the browser chose. */
function describeChoice(url: string): string {
  const width = /\/w_(\d+)\//.exec(url)?.[1];
  const ext = /\.([a-z]+)(?:\?|$)/.exec(url)?.[1] ?? '';
  return `${ext === 'jpg' ? 'JPEG' : ext.toUpperCase()} at w_${width}`;
}

/**
 * Markup for a page: a width-set preset's `<picture>` (AVIF, WebP, JPEG), shown for real and
 * as HTML to copy. The preview is built from the answer's fields with Preact elements, not
 * inserted as HTML, so it needs no innerHTML and its placeholder is a style property.
 */
export function EmbedTab({ image, presets }: { image: ImageView; presets: PresetView[] }) {
  // A fixed format cannot give the <picture>'s three (the API says 400): offer only those that can.
  const sets = presets.filter((p) => p.widths && !/(^|,)f_(?!auto(,|$))/.test(p.params));
  const [chosen, setChosen] = useState('');
  const [sizesInput, setSizesInput] = useState('100vw');
  const [answer, setAnswer] = useState<Answer>({ for: '', embed: null, error: '' });
  const [loaded, setLoaded] = useState({ for: '', url: '' });
  const [copied, setCopied] = useState('');
  const html = useRef<HTMLTextAreaElement>(null);

  const preset = sets.find((p) => p.name === chosen);
  const sizes = sizesInput.trim() || '100vw';
  const key = JSON.stringify([image.version, preset?.name, sizes]);
  // Only the answer for what is chosen now: an older one would be copied for a choice it is not.
  const current = answer.for === key ? answer : null;
  const loadedFrom = loaded.for === key ? loaded.url : '';

  useEffect(() => {
    if (!preset) return;
    let latest = true;
    const timer = setTimeout(
      () =>
        call(v1.images(param(image.id)).embed.get({ query: { preset: preset.name, sizes } })).then(
          (embed) => latest && setAnswer({ for: key, embed, error: '' }),
          (e) => latest && setAnswer({ for: key, embed: null, error: messageOf(e) }),
        ),
      200,
    );
    return () => {
      latest = false;
      clearTimeout(timer);
    };
  }, [key]);

  if (sets.length === 0) {
    return (
      <p class="notice embed-hint" data-testid="embed-hint">
        No width-set preset yet. On the <a href="#/presets">Presets</a> page, create one with widths (for example <code>320, 640, 960, 1280</code>) and
        a transform without <code>f_</code>; its <code>&lt;picture&gt;</code> then offers AVIF, WebP and JPEG at each width.
      </p>
    );
  }

  const embed = current?.embed;
  return (
    <section class="embed" aria-label="Embed">
      <p class="muted hint">Responsive markup for your pages: unsigned URLs at the preset's widths, the browser picks the format and size.</p>
      <label>
        Width-set preset
        <select data-testid="embed-preset" value={preset?.name ?? ''} onChange={(e) => setChosen(e.currentTarget.value)}>
          <option value="">Choose a preset…</option>
          {sets.map((p) => (
            <option value={p.name}>
              {p.name} ({p.widths!.join(', ')})
            </option>
          ))}
        </select>
      </label>
      <label>
        sizes
        <input data-testid="embed-sizes" value={sizesInput} placeholder="100vw" onInput={(e) => setSizesInput(e.currentTarget.value)} />
      </label>
      {current?.error && (
        <p class="error" role="alert">
          {current.error}
        </p>
      )}
      {!preset ? (
        <p class="muted">Pick a preset to see its picture and HTML.</p>
      ) : (
        !current && <p class="muted">Loading…</p>
      )}
      {preset && embed && (
        <>
          <div class="embed-preview" data-testid="embed-preview">
            <picture key={key}>
              <source type="image/avif" srcset={embed.srcset.avif} sizes={sizes} />
              <source type="image/webp" srcset={embed.srcset.webp} sizes={sizes} />
              <img
                srcset={embed.srcset.jpeg}
                sizes={sizes}
                src={largestOf(embed.srcset.jpeg)}
                width={embed.width}
                height={embed.height}
                alt={`${image.originalName}, preset ${preset.name}`}
                style={loadedFrom ? undefined : placeholderBackground(image)}
                onLoad={(e) => setLoaded({ for: key, url: e.currentTarget.currentSrc })}
              />
            </picture>
          </div>
          <p class="muted small-print" data-testid="embed-chosen">
            {loadedFrom ? `This browser chose ${describeChoice(loadedFrom)} for sizes="${sizes}".` : 'Loading the picture…'}
          </p>
          <label>
            HTML
            <textarea ref={html} class="code" data-testid="embed-html" readOnly rows={7} value={embed.picture} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <div class="row">
            <button
              type="button"
              class="primary"
              data-testid="copy-embed"
              onClick={async () => {
                await copyText(embed.picture, html.current);
                setCopied(embed.picture);
              }}
            >
              Copy HTML
            </button>
            <span class="copied" role="status" data-testid="embed-copied">
              {copied && copied === embed.picture ? 'Copied' : ''}
            </span>
          </div>
        </>
      )}
    </section>
  );
}
