import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText, messageOf, signUrl, type ImageView, type PresetView } from './api';

type UrlKind = { kind: 'full' } | { kind: 'preset'; name: string };

/** How long a signed URL works (exp_); preset URLs are unsigned and cannot expire. */
export const EXPIRIES: readonly { label: string; seconds: number | null }[] = [
  { label: 'Never expires', seconds: null },
  { label: 'Expires in 1 hour', seconds: 3600 },
  { label: 'Expires in 1 day', seconds: 86_400 },
  { label: 'Expires in 7 days', seconds: 7 * 86_400 },
  { label: 'Expires in 30 days', seconds: 30 * 86_400 },
];

interface Signed {
  /** The choice (image version, preset, expiry) this answer is for. */
  for: string;
  url: string;
  error: string;
}

/** An image's public URL — full size or a preset — signed by the server, with Copy (any other transform: the Transform tab). */
export function PublicUrl({ image, presets }: { image: ImageView; presets: PresetView[] }) {
  const [kind, setKind] = useState<UrlKind>({ kind: 'full' });
  const [expiresIn, setExpiresIn] = useState<number | null>(null);
  const [signed, setSigned] = useState<Signed>({ for: '', url: '', error: '' });
  const [copied, setCopied] = useState('');
  const urlInput = useRef<HTMLInputElement>(null);

  const expiry = kind.kind !== 'preset' && expiresIn !== null ? { expiresIn } : {};
  const spec = kind.kind === 'preset' ? { preset: kind.name } : expiry;
  const chosen = JSON.stringify([image.version, spec]);
  // Only an answer for what is chosen now is shown, from the very render that changed the choice:
  // the previous URL, shown a moment longer, would be copied for a choice it is not.
  const current = signed.for === chosen ? signed : { url: '', error: '' };

  useEffect(() => {
    let latest = true;
    signUrl(image.id, spec).then(
      (r) => latest && setSigned({ for: chosen, url: r.url, error: '' }),
      (e) => latest && setSigned({ for: chosen, url: '', error: messageOf(e) }),
    );
    return () => {
      latest = false;
    };
  }, [chosen]);

  const choice = kind.kind === 'preset' ? `preset:${kind.name}` : kind.kind;
  return (
    <>
      <div class="row">
        <select
          aria-label="URL kind"
          value={choice}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setKind(v === 'full' ? { kind: 'full' } : { kind: 'preset', name: v.slice(7) });
          }}
        >
          <option value="full">Full size</option>
          {presets.map((p) => (
            <option value={`preset:${p.name}`}>Preset: {p.name}</option>
          ))}
        </select>
        {kind.kind !== 'preset' && (
          <select aria-label="Expiry" data-testid="url-expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(e.currentTarget.value === 'null' ? null : Number(e.currentTarget.value))}>
            {EXPIRIES.map((option) => (
              <option value={String(option.seconds)}>{option.label}</option>
            ))}
          </select>
        )}
      </div>
      <div class="row">
        <input
          ref={urlInput}
          readOnly
          data-testid="public-url"
          value={current.url}
          placeholder={current.error ? 'No URL for this transform' : 'Signing…'}
          aria-label="Public URL"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          data-testid="copy-url"
          class="primary"
          disabled={!current.url}
          onClick={async () => {
            const url = current.url;
            await copyText(url, urlInput.current);
            setCopied(url);
          }}
        >
          {copied && copied === current.url ? 'Copied!' : 'Copy'}
        </button>
      </div>
      {current.error && <p class="error">{current.error}</p>}
      <p class="muted small-print">Any other size, crop, format or effect: the Transform tab.</p>
    </>
  );
}
