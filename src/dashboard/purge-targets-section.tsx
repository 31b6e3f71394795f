import { useState } from 'preact/hooks';
import type { CreatePurgeTargetBody, PurgeAttemptView, PurgeTargetView } from '../api/purge-targets';
import { call, param, v1 } from './api';
import { AttemptLog } from './attempt-log';
import { useCollection } from './use-collection';

type Kind = PurgeTargetView['kind'];

/** Each kind's fields, as the API names them; `secret` fields are password inputs. */
const KINDS: Record<Kind, { label: string; fields: { name: string; label: string; secret?: boolean; optional?: boolean; url?: boolean }[] }> = {
  cloudflare: {
    label: 'Cloudflare',
    fields: [
      { name: 'zoneId', label: 'Zone ID' },
      { name: 'apiToken', label: 'API token (Cache Purge permission)', secret: true },
    ],
  },
  fastly: {
    label: 'Fastly',
    fields: [
      { name: 'serviceId', label: 'Service ID' },
      { name: 'apiToken', label: 'API token (purge_select)', secret: true },
    ],
  },
  bunny: { label: 'BunnyCDN', fields: [{ name: 'accessKey', label: 'Account API key', secret: true }] },
  http: {
    label: 'HTTP hook',
    fields: [
      { name: 'url', label: 'Hook URL', url: true },
      { name: 'secret', label: 'Signing secret (optional)', secret: true, optional: true },
    ],
  },
};

const when = (iso: string) => new Date(iso).toLocaleString();

/** What the target calls: the hook URL, or the zone/service at the provider's API. */
function describeTarget(t: PurgeTargetView): string {
  const where = t.apiBase ? ` at ${t.apiBase}` : '';
  if (t.kind === 'http') return t.url ?? '';
  if (t.kind === 'cloudflare') return `zone ${t.zoneId}${where}`;
  if (t.kind === 'fastly') return `service ${t.serviceId}${where}`;
  return `bunny.net API${where}`;
}

function Attempts({ target }: { target: PurgeTargetView }) {
  const [items, setItems] = useState<PurgeAttemptView[] | null>(null);
  const load = async () => setItems((await call(v1['purge-targets'](param(target.id)).deliveries.get())).items);
  return (
    <div class="deliveries">
      <div class="row">
        <button class="small" data-testid="purge-log" onClick={load} aria-expanded={items !== null}>
          {items === null ? 'Show recent purges' : 'Refresh'}
        </button>
      </div>
      {items !== null &&
        (items.length === 0 ? (
          <p class="muted">No purges yet: they follow image replaces, deletes, focal-point changes and preset edits and deletes.</p>
        ) : (
          <AttemptLog items={items} label={`Purge log of ${KINDS[target.kind].label} ${describeTarget(target)}`} what="Change" testId="purge-attempts" okWithoutStatus="nothing to purge" />
        ))}
    </div>
  );
}

/** CDN purge targets (issue 16 §4), on the settings page beside webhooks: both are calls the server makes when images change. */
export function PurgeTargetsSection() {
  const targets = useCollection<PurgeTargetView>({ list: () => call(v1['purge-targets'].get()), remove: (id) => call(v1['purge-targets'](param(id)).delete()) });
  const [kind, setKind] = useState<Kind>('cloudflare');
  const [values, setValues] = useState<Record<string, string>>({});
  const [apiBase, setApiBase] = useState('');

  const add = targets.submit(async () => {
    const fields = Object.fromEntries(KINDS[kind].fields.filter((f) => values[f.name]?.trim()).map((f) => [f.name, values[f.name]!.trim()]));
    const body = { kind, ...fields, ...(kind !== 'http' && apiBase.trim() && { apiBase: apiBase.trim() }) } as CreatePurgeTargetBody;
    await call(v1['purge-targets'].post(body));
    setValues({});
    setApiBase('');
  });

  return (
    <>
      <section class="card" aria-labelledby="purge-heading">
        <h2 id="purge-heading">CDN purge targets</h2>
        <p>
          When an image is replaced or deleted, its focal point changes, or a preset is edited or deleted, its <code>Cache-Tag</code>/<code>Surrogate-Key</code> tags and
          preset URLs are purged at every target, retried until the CDN accepts.
        </p>
        <form class="stack" onSubmit={add} data-testid="purge-form">
          <label>
            Provider
            <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)} data-testid="purge-kind">
              {(Object.keys(KINDS) as Kind[]).map((k) => (
                <option value={k}>{KINDS[k].label}</option>
              ))}
            </select>
          </label>
          {KINDS[kind].fields.map((f) => {
            const common = {
              autoComplete: 'off',
              required: !f.optional,
              value: values[f.name] ?? '',
              onInput: (e: { currentTarget: HTMLInputElement }) => setValues({ ...values, [f.name]: e.currentTarget.value }),
              'data-testid': `purge-${f.name}`,
            };
            return (
              <label key={`${kind}-${f.name}`}>
                {f.label}
                {f.secret ? <input type="password" {...common} /> : f.url ? <input type="url" placeholder="https://example.com/purge" {...common} /> : <input type="text" {...common} />}
              </label>
            );
          })}
          {kind !== 'http' && (
            <label>
              API base (optional, default the provider's)
              <input type="url" value={apiBase} onInput={(e) => setApiBase(e.currentTarget.value)} data-testid="purge-apiBase" />
            </label>
          )}
          <div class="row">
            <button class="primary" data-testid="purge-create">
              Add target
            </button>
          </div>
        </form>
        {targets.error && (
          <p class="error" role="alert">
            {targets.error}
          </p>
        )}
      </section>
      {targets.loaded && targets.items.length === 0 && <p class="muted">No purge targets yet.</p>}
      {targets.items.map((target) => (
        <section class="card webhook" data-purge-target-id={target.id}>
          <div class="row spread">
            <h3 class="url">
              {KINDS[target.kind].label}: {describeTarget(target)}
            </h3>
            <button class="danger small" data-testid="purge-delete" onClick={() => targets.remove(target, { title: 'Delete purge target?', message: `Delete the ${KINDS[target.kind].label} purge target? Changes are no longer purged there.`, confirmLabel: 'Delete' })}>
              Delete
            </button>
          </div>
          <p class="muted" data-testid="purge-secret">
            {target.secretHint ? `Secret ${target.secretHint}` : 'No secret'} · added {when(target.createdAt)}
          </p>
          <Attempts target={target} />
        </section>
      ))}
    </>
  );
}
