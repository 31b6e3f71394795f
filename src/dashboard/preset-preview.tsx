import { useEffect, useState } from 'preact/hooks';
import { call, formatBytes, messageOf, signUrl, v1, type ImageView } from './api';
import { onThisOrigin } from './use-delivered';

/** How many of the client's images show the transform as examples. */
const EXAMPLES = 4;
const DEBOUNCE_MS = 250;

/** What delivery answered for the preview: measured, so the numbers are those of the bytes shown. */
interface Measured {
  url: string;
  format: string;
  bytes: number;
}


/** Signs `params` for each image (after a pause in typing); the server's refusal names the bad segment. */
function useSigned(imageIds: string[], params: string) {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const key = imageIds.join(',');
  useEffect(() => {
    if (imageIds.length === 0) return;
    let live = true;
    const timer = setTimeout(async () => {
      try {
        // The first image alone first: a refused transform is one 400, not one per example.
        const [first, ...rest] = imageIds;
        const head = [first!, (await signUrl(first!, { transform: params })).url] as const;
        const signed = [head, ...(await Promise.all(rest.map(async (id) => [id, (await signUrl(id, { transform: params })).url] as const)))];
        if (!live) return;
        setUrls(Object.fromEntries(signed));
        setError('');
      } catch (e) {
        if (!live) return;
        setUrls({});
        setError(messageOf(e));
      }
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, params]);
  return { urls, error };
}

/** A busy server (503, Retry-After 1 s) is asked again this many times before the preview says it failed. */
const RETRIES = 3;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Format and bytes of what delivery sends for `url` (a second request: a cache hit by then).
 * A refusal other than "busy" is said, so the caption never waits forever on "Measuring…".
 */
function useMeasured(url: string | undefined): Measured | { url: string; error: string } | null {
  const [measured, setMeasured] = useState<Measured | { url: string; error: string } | null>(null);
  useEffect(() => {
    if (!url) return;
    const aborter = new AbortController();
    const measure = async (attempt: number): Promise<void> => {
      // A dropped connection is asked again like a busy server: either way, no answer yet.
      const response = await fetch(onThisOrigin(url), { signal: aborter.signal }).catch((e: unknown) => {
        if (aborter.signal.aborted || attempt >= RETRIES) throw e;
        return null;
      });
      if (!response || (response.status === 503 && attempt < RETRIES)) {
        await pause(1000 * (attempt + 1));
        if (!aborter.signal.aborted) return measure(attempt + 1);
      }
      if (aborter.signal.aborted || !response) return;
      if (!response.ok) return setMeasured({ url, error: `The preview could not be made (HTTP ${response.status})` });
      const blob = await response.blob();
      setMeasured({ url, format: blob.type.replace(/^image\//, ''), bytes: blob.size });
    };
    measure(0).catch(() => {
      if (!aborter.signal.aborted) setMeasured({ url, error: 'The preview could not be measured: delivery did not answer' });
    });
    return () => aborter.abort();
  }, [url]);
  return measured?.url === url ? measured : null;
}

/** The preview's picture, asked again (a new element) when it fails to load, as delivery may have been busy. */
function usePictureRetry(url: string | undefined) {
  const [failures, setFailures] = useState<{ url?: string; count: number }>({ count: 0 });
  const count = failures.url === url ? failures.count : 0;
  return {
    key: `${url}#${count}`,
    broken: count > RETRIES,
    failed: () => setTimeout(() => setFailures({ url, count: count + 1 }), 1000 * (count + 1)),
  };
}

/**
 * The transform as typed, applied to the client's images: a large preview of one (chosen in
 * the list or by clicking an example) with its output's pixel size, format and bytes, and
 * examples of a few more.
 */
export function PresetPreview({ params, widths }: { params: string; widths: string }) {
  const [images, setImages] = useState<ImageView[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [sample, setSample] = useState('');
  const [size, setSize] = useState<{ url: string; width: number; height: number } | null>(null);

  useEffect(() => {
    call(v1.images.get({ query: { pageSize: '50' } })).then(
      (r) => {
        setImages(r.items);
        if (r.items[0]) setSample(r.items[0].id);
      },
      (e) => setLoadError(messageOf(e)),
    );
  }, []);

  const examples = (images ?? []).slice(0, EXAMPLES).map((i) => i.id);
  const shown = sample && !examples.includes(sample) ? [sample, ...examples] : examples;
  const { urls, error } = useSigned(shown, params);
  const preview = urls[sample];
  const measured = useMeasured(preview);
  const picture = usePictureRetry(preview);
  const pixels = size?.url === preview ? size : null;
  const caption =
    measured && 'error' in measured
      ? measured.error
      : picture.broken
        ? 'The preview could not be loaded'
        : pixels && measured
          ? `${pixels.width} × ${pixels.height} px · ${measured.format.toUpperCase()} · ${formatBytes(measured.bytes)}`
          : 'Measuring…';
  const nameOf = (id: string) => images?.find((i) => i.id === id)?.originalName ?? id;

  if (loadError) return <p class="error">{loadError}</p>;
  if (images === null) return <p class="muted">Loading images…</p>;
  if (images.length === 0) return <p class="muted">Upload an image to see a preview.</p>;
  return (
    <div class="preset-preview">
      <label>
        Preview image
        <select value={sample} onChange={(e) => setSample(e.currentTarget.value)} data-testid="preset-preview-image">
          {images.map((i) => (
            <option value={i.id}>{i.originalName}</option>
          ))}
        </select>
      </label>
      {error ? (
        <p class="error" data-testid="preset-preview-error">
          {error}
        </p>
      ) : (
        preview && (
          <figure class="preset-preview-main">
            <div class="preset-checker">
              <img
                key={picture.key}
                onError={picture.failed}
                class="preview"
                data-testid="preset-preview"
                src={preview}
                alt={`Preview of the transform on ${nameOf(sample)}`}
                onLoad={(e) => setSize({ url: preview, width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
              />
            </div>
            <figcaption class="muted" data-testid="preset-preview-stats" aria-live="polite">
              {caption}
            </figcaption>
          </figure>
        )
      )}
      {widths.trim() && <p class="muted field-help">A width-set preset's URLs ask for one of its widths; the preview shows the transform as written.</p>}
      {!error && examples.length > 1 && (
        <>
          <h3>Examples</h3>
          <ul class="preset-examples" data-testid="preset-examples">
            {examples.map(
              (id) =>
                urls[id] && (
                  <li>
                    <button type="button" class="example" aria-pressed={id === sample} onClick={() => setSample(id)} title={nameOf(id)}>
                      <img src={urls[id]} alt={`Example: ${nameOf(id)}`} loading="lazy" />
                    </button>
                  </li>
                ),
            )}
          </ul>
        </>
      )}
    </div>
  );
}
