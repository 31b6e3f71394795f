import { useState } from 'preact/hooks';
import { call, param, v1, type DeliveryView, type WebhookView } from './api';
import { AttemptLog } from './attempt-log';
import { SecretBox } from './secret-box';
import { useCollection } from './use-collection';

// The event types of the API (src/core/outbox/change-events.ts); the dashboard takes no core code.
const EVENTS = [
  'image.created', 'image.replaced', 'image.updated', 'image.deleted',
  'folder.created', 'folder.renamed', 'folder.deleted', 'preset.created', 'preset.updated', 'preset.deleted',
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

function State({ hook }: { hook: WebhookView }) {
  if (!hook.enabled) {
    return (
      <span class="badge bad" data-testid="webhook-state">
        Disabled {hook.disabledAt ? `since ${when(hook.disabledAt)}` : ''}: every delivery failed for 24 h. Send a test event to enable it again.
      </span>
    );
  }
  if (hook.failingSince) {
    return (
      <span class="badge warn" data-testid="webhook-state">
        Failing since {when(hook.failingSince)}: retrying
      </span>
    );
  }
  return (
    <span class="badge ok" data-testid="webhook-state">
      Enabled
    </span>
  );
}

function Deliveries({ hook }: { hook: WebhookView }) {
  const [items, setItems] = useState<DeliveryView[] | null>(null);
  const [note, setNote] = useState('');
  const load = async () => setItems((await call(v1.webhooks(param(hook.id)).deliveries.get())).items);
  const test = async () => {
    const queued = await call(v1.webhooks(param(hook.id)).test.post());
    setNote(`Test event ${queued.id} queued.`);
    // The first attempt is usually done within a second.
    setTimeout(() => load().catch(() => undefined), 1200);
  };
  return (
    <div class="deliveries">
      <div class="row">
        <button class="small" data-testid="webhook-test" onClick={test}>
          Send test event
        </button>
        <button class="small" data-testid="webhook-log" onClick={load} aria-expanded={items !== null}>
          {items === null ? 'Show delivery log' : 'Refresh log'}
        </button>
        {note && (
          <span class="muted" role="status">
            {note}
          </span>
        )}
      </div>
      {items !== null &&
        (items.length === 0 ? (
          <p class="muted">No delivery attempts yet.</p>
        ) : (
          <AttemptLog items={items} label={`Delivery log of ${hook.url}`} what="Event" testId="webhook-deliveries" />
        ))}
    </div>
  );
}

/** The client's webhook endpoints, each with its delivery log: a part of the settings page. */
export function WebhooksSection() {
  const hooks = useCollection<WebhookView>({ list: () => call(v1.webhooks.get()), remove: (id) => call(v1.webhooks(param(id)).delete()) });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['image.created', 'image.replaced', 'image.updated', 'image.deleted']);
  const [secret, setSecret] = useState('');

  const create = hooks.submit(async () => {
    const created = await call(v1.webhooks.post({ url, events }));
    setSecret(created.secret);
    setUrl('');
  });
  const toggle = (event: string, on: boolean) => setEvents(on ? EVENTS.filter((e) => e === event || events.includes(e)) : events.filter((e) => e !== event));

  return (
    <>
      <section class="card" id="webhooks" aria-labelledby="webhooks-heading" tabIndex={-1}>
        <h2 id="webhooks-heading">Webhooks</h2>
        <p>
          Changes are POSTed as JSON <code>{'{ type, timestamp, data }'}</code>, signed per Standard Webhooks (<code>webhook-id</code>,{' '}
          <code>webhook-timestamp</code>, <code>webhook-signature</code>). Failed deliveries are retried for 24 h.
        </p>
        <form class="stack" onSubmit={create}>
          <input type="url" required placeholder="https://example.com/hooks/imgapi" aria-label="Endpoint URL" value={url} onInput={(e) => setUrl(e.currentTarget.value)} data-testid="webhook-url" />
          <fieldset class="events">
            <legend>Events</legend>
            {EVENTS.map((event) => (
              <label>
                <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} /> <code>{event}</code>
              </label>
            ))}
          </fieldset>
          <div class="row">
            <button class="primary" data-testid="webhook-create" disabled={events.length === 0}>
              Add endpoint
            </button>
          </div>
        </form>
        {hooks.error && <p class="error">{hooks.error}</p>}
        {secret && <SecretBox label="Signing secret of the new endpoint" secret={secret} testId="webhook-secret" />}
      </section>
      {hooks.loaded && hooks.items.length === 0 && <p class="muted">No endpoints yet.</p>}
      {hooks.items.map((hook) => (
        <section class="card webhook" data-webhook-id={hook.id}>
          <div class="row spread">
            <h3 class="url">{hook.url}</h3>
            <button class="danger small" data-testid="webhook-delete" onClick={() => hooks.remove(hook, { title: 'Delete endpoint?', message: `Delete the endpoint ${hook.url}? It gets no more events.`, confirmLabel: 'Delete' })}>
              Delete
            </button>
          </div>
          <State hook={hook} />
          <p class="tags">
            {hook.events.map((e) => (
              <code class="tag">{e}</code>
            ))}
          </p>
          <Deliveries hook={hook} />
        </section>
      ))}
    </>
  );
}
