import { useEffect, useState } from 'preact/hooks';
import { messageOf, signUrl, type ImageView, type PresetView } from './api';
import { CopyUrl, ExpirySelect } from './url-fields';

type UrlKind = { kind: 'full' } | { kind: 'preset'; name: string };

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
          <ExpirySelect label="Expiry" testId="url-expiry" value={expiresIn} onChange={setExpiresIn} />
        )}
      </div>
      <CopyUrl url={current.url} label="Public URL" placeholder={current.error ? 'No URL for this choice' : 'Signing…'} testIds={{ url: 'public-url', copy: 'copy-url' }} />
      {current.error && <p class="error">{current.error}</p>}
      <p class="muted small-print">Any other size, crop, format or effect: the Transform tab.</p>
    </>
  );
}
