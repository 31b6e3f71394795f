import { useRef, useState } from 'preact/hooks';
import { copyText, formatBytes, type ImageView } from './api';
import { EXPIRIES } from './public-url';
import { TransformControls } from './transform-controls';
import { segmentValues, withSegment } from './transform-text';
import { useDelivered, type Delivered } from './use-delivered';

const describe = (d: Delivered) =>
  `${d.width}×${d.height} · ${d.format.toUpperCase()} · ${formatBytes(d.bytes)}${d.quality ? ` · quality ${d.quality}` : ''}`;

/**
 * Try transforms on this image: the controls write the transform string and the string sets the
 * controls; the preview is exactly what delivery returns for it (over a checkerboard, so
 * transparency shows), with its measured pixel size, format and bytes, and the signed URL to copy.
 */
export function TransformPlayground({ image }: { image: ImageView }) {
  const [transform, setTransform] = useState('w_800,f_webp');
  const [expiresIn, setExpiresIn] = useState<number | null>(null);
  const [copied, setCopied] = useState('');
  const urlInput = useRef<HTMLInputElement>(null);
  const { answer, last } = useDelivered(image.id, image.version, transform, expiresIn);
  const ok = answer && 'url' in answer ? answer : null;
  const error = answer && 'error' in answer ? answer.error : '';
  const status = ok ? describe(ok) : error ? '' : 'Rendering…';

  return (
    <section class="playground" aria-label="Transform playground">
      <div class="pg-stage" data-testid="playground-stage" aria-busy={!answer}>
        {error ? (
          <p class="error pg-error" role="alert" data-testid="playground-error">
            {error}
          </p>
        ) : (
          last && (
            <img
              class={ok ? '' : 'stale'}
              src={last.objectUrl}
              width={last.width}
              height={last.height}
              alt={`${image.originalName} with ${transform || 'no transform'}`}
              data-testid="playground-preview"
            />
          )
        )}
      </div>
      <p class="pg-output" data-testid="playground-output" aria-live="polite">
        {status}
      </p>
      <label class="pg-transform">
        Transform
        <input
          value={transform}
          data-testid="playground-transform"
          placeholder="empty: full size"
          spellcheck={false}
          autocomplete="off"
          onInput={(e) => setTransform(e.currentTarget.value)}
        />
      </label>
      <div class="row pg-url">
        <input
          ref={urlInput}
          readOnly
          data-testid="playground-url"
          value={ok?.url ?? ''}
          placeholder={error ? 'No URL for this transform' : 'Signing…'}
          aria-label="Transform URL"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          data-testid="playground-copy"
          class="primary"
          disabled={!ok}
          onClick={async () => {
            if (!ok) return;
            await copyText(ok.url, urlInput.current);
            setCopied(ok.url);
          }}
        >
          {ok && copied === ok.url ? 'Copied!' : 'Copy'}
        </button>
      </div>
      <select aria-label="Transform URL expiry" value={String(expiresIn)} onChange={(e) => setExpiresIn(e.currentTarget.value === 'null' ? null : Number(e.currentTarget.value))}>
        {EXPIRIES.map((option) => (
          <option value={String(option.seconds)}>{option.label}</option>
        ))}
      </select>
      <TransformControls segments={segmentValues(transform)} animated={image.animated} onSet={(key, value) => setTransform((t) => withSegment(t, key, value))} />
    </section>
  );
}
