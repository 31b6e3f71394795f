import { useEffect, useState } from 'preact/hooks';
import type { QuotasView, QuotaStatus } from '../api/quotas';
import { call, formatBytes, messageOf, v1 } from './api';
import { managesClients, useMe } from './me';

type Name = keyof QuotasView;

// Sizes are typed in binary units, as the dashboard and CLI print them (1 MB = 1024 KB); a
// limit set in bytes that no unit shows in two decimals is shown in bytes.
const UNITS = [
  ['B', 1],
  ['KB', 2 ** 10],
  ['MB', 2 ** 20],
  ['GB', 2 ** 30],
  ['TB', 2 ** 40],
] as const;
type Unit = (typeof UNITS)[number][0];

interface Field {
  text: string;
  unit: Unit;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A byte limit as the form shows it: the largest unit it is a whole or short decimal number of. */
function toField(bytes: number | null, fallback: Unit): Field {
  if (bytes === null) return { text: '', unit: fallback };
  for (const [unit, size] of [...UNITS].reverse()) {
    const value = bytes / size;
    if (value >= 1 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6) return { text: String(Math.round(value * 100) / 100), unit };
  }
  return { text: String(bytes), unit: 'B' };
}

const sizeOf = (field: Field) => Math.round(Number(field.text) * UNITS.find(([unit]) => unit === field.unit)![1]);

/** One limit against what is used: "42 of 100 images", with a bar that turns to a warning near the limit. */
function UsageBar({ label, used, limit, format, testId }: { label: string; used: number; limit: number | null; format: (n: number) => string; testId: string }) {
  const share = limit === null ? 0 : Math.min(1, used / limit);
  const level = share >= 1 ? 'full' : share >= 0.8 ? 'near' : 'ok';
  return (
    <div class="quota-row" data-testid={testId}>
      <p class="quota-text">
        <span class="quota-label">{label}</span>{' '}
        <span data-testid={`${testId}-text`}>{limit === null ? `${format(used)} (no limit)` : `${format(used)} of ${format(limit)}`}</span>
      </p>
      {limit !== null && (
        <div class={`quota-bar quota-${level}`} aria-hidden="true">
          <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </div>
      )}
    </div>
  );
}

/**
 * The client's quotas (`GET /api/v1/quotas`): images and originals against their limits as
 * bars, the upload size and transforms a minute as text; owners and admins change them here
 * (`PATCH /api/v1/clients/:id { quotas }`). An empty field is no limit.
 */
export function QuotaCard({ clientId }: { clientId: string }) {
  const [status, setStatus] = useState<QuotaStatus | null>(null);
  // Only owners and admins may change limits: the others see them, without the form.
  const manages = managesClients(useMe());
  const [images, setImages] = useState('');
  const [bytes, setBytes] = useState<Field>({ text: '', unit: 'GB' });
  const [upload, setUpload] = useState<Field>({ text: '', unit: 'MB' });
  const [transforms, setTransforms] = useState('');
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const show = (next: QuotaStatus) => {
    setStatus(next);
    const q = next.quotas;
    setImages(q.maxImages === null ? '' : String(q.maxImages));
    setBytes(toField(q.maxBytes, 'GB'));
    setUpload(toField(q.maxUploadBytes, 'MB'));
    setTransforms(q.maxTransformsPerMinute === null ? '' : String(q.maxTransformsPerMinute));
  };

  useEffect(() => {
    call(v1.quotas.get()).then(show, (e) => setError(messageOf(e)));
  }, [clientId]);

  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    setSaved(false);
    setBusy(true);
    try {
      const limit = (text: string) => (text.trim() === '' ? null : Number(text));
      const quotas: Record<Name, number | null> = {
        maxImages: limit(images),
        maxBytes: bytes.text.trim() === '' ? null : sizeOf(bytes),
        maxUploadBytes: upload.text.trim() === '' ? null : sizeOf(upload),
        maxTransformsPerMinute: limit(transforms),
      };
      await call(v1.clients({ id: clientId }).patch({ quotas }));
      show(await call(v1.quotas.get()));
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };

  const q = status?.quotas;
  return (
    <section class="card quota-card" aria-labelledby="quota-heading" data-testid="quota-card">
      <h2 id="quota-heading">Quotas</h2>
      {!status || !q ? (
        !error && <p class="muted">Loading…</p>
      ) : (
        <>
          <UsageBar label="Images" used={status.usage.images} limit={q.maxImages} format={count} testId="quota-images" />
          <UsageBar label="Originals" used={status.usage.originalsBytes} limit={q.maxBytes} format={formatBytes} testId="quota-bytes" />
          <dl class="quota-limits">
            <div>
              <dt>Upload size</dt>
              <dd data-testid="quota-upload">{q.maxUploadBytes === null ? 'No limit' : `Up to ${formatBytes(q.maxUploadBytes)} a file`}</dd>
            </div>
            <div>
              <dt>New variants</dt>
              <dd data-testid="quota-transforms">{q.maxTransformsPerMinute === null ? 'No limit' : `${count(q.maxTransformsPerMinute)} a minute, on each server`}</dd>
            </div>
          </dl>
          <p class="muted field-help">Over a limit, uploads are refused and nothing is stored. Past the new variants a minute, new sizes are refused for a moment; sizes already made keep being served.</p>
          {manages && (
            <form class="quota-form" onSubmit={save} data-testid="quota-form">
              <h3>Change the limits</h3>
              <p class="muted field-help">Leave a field empty for no limit.</p>
              <label>
                <span>Images</span>
                <input type="number" min={1} step={1} inputMode="numeric" value={images} onInput={(e) => setImages(e.currentTarget.value)} data-testid="quota-max-images" />
              </label>
              <SizeField label="Originals" field={bytes} onChange={setBytes} testId="quota-max-bytes" />
              <SizeField label="Upload size" field={upload} onChange={setUpload} testId="quota-max-upload-bytes" />
              <label>
                <span>New variants a minute</span>
                <input type="number" min={1} step={1} inputMode="numeric" value={transforms} onInput={(e) => setTransforms(e.currentTarget.value)} data-testid="quota-max-transforms" />
              </label>
              <button disabled={busy} data-testid="quota-save">
                Save limits
              </button>
            </form>
          )}
        </>
      )}
      {saved && (
        <p class="muted" role="status" data-testid="quota-saved">
          Limits saved.
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="quota-error">
          {error}
        </p>
      )}
    </section>
  );
}

function SizeField({ label, field, onChange, testId }: { label: string; field: Field; onChange: (field: Field) => void; testId: string }) {
  // A group named by its label, laid out as a <label> is: the amount and its unit side by side.
  const id = `${testId}-label`;
  return (
    <div class="quota-size" role="group" aria-labelledby={id}>
      <span id={id}>{label}</span>
      <div class="quota-size-fields">
        <input
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          aria-label={`${label}, amount`}
          value={field.text}
          onInput={(e) => onChange({ ...field, text: e.currentTarget.value })}
          data-testid={testId}
        />
        <select aria-label={`${label}, unit`} value={field.unit} onChange={(e) => onChange({ ...field, unit: e.currentTarget.value as Unit })} data-testid={`${testId}-unit`}>
          {UNITS.map(([unit]) => (
            <option key={unit} value={unit}>
              {unit}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
