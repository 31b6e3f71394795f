import { useEffect, useState } from 'preact/hooks';
import type { QuotasView, QuotaStatus } from '../api/quotas';
import { call, formatBytes, messageOf, v1 } from './api';
import { managesClients, useMe } from './me';

type Name = keyof QuotasView;

// Sizes are shown and typed in binary units, as the dashboard and CLI print them (1 MB = 1024 KB).
const UNITS = [
  ['B', 1],
  ['KB', 2 ** 10],
  ['MB', 2 ** 20],
  ['GB', 2 ** 30],
  ['TB', 2 ** 40],
] as const;
type Unit = (typeof UNITS)[number][0];
const UNIT_SIZES: Record<string, number> = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

interface Field {
  text: string;
  unit: Unit;
  /** The limit as set while the field still shows it: an untouched field saves it exactly, not its rounded display. */
  bytes: number | null;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A byte limit as the rest of the dashboard prints it (formatBytes: 10.4 KB), split into amount and unit. */
function toField(bytes: number | null, fallback: Unit): Field {
  if (bytes === null) return { text: '', unit: fallback, bytes: null };
  const [text, unit] = formatBytes(bytes).split(' ') as [string, Unit];
  return { text, unit, bytes };
}

/** "1.5", "1.5 GB", "500mb", "2000000 B" → the amount and the unit it names, if any; null when it is not a size. */
function readSize(text: string): { amount: number; unit?: Unit } | null {
  const match = /^\s*([0-9]{1,16}(?:\.[0-9]{1,6})?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return null;
  const unitText = match[2]!.toLowerCase();
  if (unitText === '') return { amount: Number(match[1]) };
  const size = UNIT_SIZES[unitText];
  return size === undefined ? null : { amount: Number(match[1]), unit: UNITS.find(([, s]) => s === size)![0] };
}

/** The bytes a field asks for: null for no limit (empty), undefined when it is not a size. */
function sizeOf(field: Field): number | null | undefined {
  if (field.text.trim() === '') return null;
  if (field.bytes !== null) return field.bytes;
  const read = readSize(field.text);
  if (!read) return undefined;
  return Math.round(read.amount * UNITS.find(([unit]) => unit === (read.unit ?? field.unit))![1]);
}

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
  const [bytes, setBytes] = useState<Field>({ text: '', unit: 'GB', bytes: null });
  const [upload, setUpload] = useState<Field>({ text: '', unit: 'MB', bytes: null });
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
      const sizes = { maxBytes: sizeOf(bytes), maxUploadBytes: sizeOf(upload) };
      if (sizes.maxBytes === undefined || sizes.maxUploadBytes === undefined) {
        setError(`${sizes.maxBytes === undefined ? 'Originals' : 'Upload size'}: enter a size such as 800 KB, 500 MB or 1.5 GB, or leave it empty for no limit`);
        setBusy(false);
        return;
      }
      const quotas: Record<Name, number | null> = {
        maxImages: limit(images),
        maxBytes: sizes.maxBytes,
        maxUploadBytes: sizes.maxUploadBytes,
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
              <dd data-testid="quota-transforms">{q.maxTransformsPerMinute === null ? 'No limit' : `${count(q.maxTransformsPerMinute)} a minute`}</dd>
            </div>
          </dl>
          <p class="muted field-help">Over a limit, uploads are refused and nothing is stored. Past the new variants a minute, new sizes are refused for a moment and preset variants made in the background wait; sizes already made keep being served.</p>
          {manages && (
            <form class="quota-form" onSubmit={save} data-testid="quota-form">
              <h3>Change the limits</h3>
              <p class="muted field-help">Leave a field empty for no limit. Sizes take a unit from the menu or typed with the number (800 KB, 1.5 GB; 1 KB = 1024 bytes).</p>
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
  // The display rounds to one decimal: say the exact figure when it is not what the field shows.
  const shown = Number(field.text) * UNITS.find(([unit]) => unit === field.unit)![1];
  const exact = field.bytes !== null && shown !== field.bytes ? `${count(field.bytes)} bytes exactly` : '';
  return (
    <div class="quota-size" role="group" aria-labelledby={id}>
      <span id={id}>{label}</span>
      <div class="quota-size-fields">
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          aria-describedby={exact ? `${testId}-exact` : undefined}
          aria-label={`${label}, amount (a unit may be typed too: 500 MB)`}
          value={field.text}
          onInput={(e) => onChange({ ...field, text: e.currentTarget.value, bytes: null })}
          // A unit typed with the amount ("1.5 GB") moves to the menu once the field is left.
          onChange={(e) => {
            const read = readSize(e.currentTarget.value);
            if (read?.unit) onChange({ text: String(read.amount), unit: read.unit, bytes: null });
          }}
          data-testid={testId}
        />
        <select aria-label={`${label}, unit`} value={field.unit} onChange={(e) => onChange({ ...field, unit: e.currentTarget.value as Unit, bytes: null })} data-testid={`${testId}-unit`}>
          {UNITS.map(([unit]) => (
            <option key={unit} value={unit}>
              {unit}
            </option>
          ))}
        </select>
      </div>
      {exact && (
        <span id={`${testId}-exact`} class="muted quota-exact" data-testid={`${testId}-exact`}>
          {exact}
        </span>
      )}
    </div>
  );
}
