import { useState } from 'preact/hooks';
import { formatBytes, type ImageView } from './api';
import { TransformControls } from './transform-controls';
import { segmentValues, withSegment } from './transform-text';
import { CopyUrl, ExpirySelect } from './url-fields';
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
      <CopyUrl url={ok?.url ?? ''} label="Transform URL" placeholder={error ? 'No URL for this transform' : 'Signing…'} testIds={{ url: 'playground-url', copy: 'playground-copy' }} />
      <ExpirySelect label="Transform URL expiry" value={expiresIn} onChange={setExpiresIn} />
      <TransformControls segments={segmentValues(transform)} animated={image.animated} onSet={(key, value) => setTransform((t) => withSegment(t, key, value))} />
    </section>
  );
}
