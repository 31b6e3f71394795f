import { useEffect, useState } from 'preact/hooks';
import { call, formatBytes, messageOf, v1 } from './api';

interface Usage {
  images: number;
  originalsBytes: number;
  variantBytes: number;
}

/** What the client stores (`GET /api/v1/usage`): its images, their originals and the variants cached. */
export function UsageCard() {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    call(v1.usage.get()).then(setUsage, (e) => setError(messageOf(e)));
  }, []);
  return (
    <section class="card usage-card" aria-labelledby="usage-heading" data-testid="usage-card">
      <h2 id="usage-heading">Usage</h2>
      {error ? (
        <p class="error">{error}</p>
      ) : !usage ? (
        <p class="muted">Loading…</p>
      ) : (
        <dl class="usage">
          <div>
            <dt>Images</dt>
            <dd data-testid="usage-images">{usage.images.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Originals</dt>
            <dd data-testid="usage-bytes">{formatBytes(usage.originalsBytes)}</dd>
          </div>
          <div>
            <dt>Variants</dt>
            <dd data-testid="usage-variant-bytes">{formatBytes(usage.variantBytes)}</dd>
          </div>
        </dl>
      )}
      <p class="muted field-help">
        The trash is not counted. Variants are the cached sizes, measured at most once a minute. Traffic per day: <a href="#/usage">Usage</a>.
      </p>
    </section>
  );
}
