import { useEffect, useState } from 'preact/hooks';
import type { AuditPage as AuditPageView } from '../api/audit';
import { AUDIT_ACTIONS, AUDIT_SUBJECTS } from '../core/audit/actions';
import { call, messageOf, v1, type ClientView } from './api';

type Entry = AuditPageView['items'][number];

const PAGE_SIZE = 50;

interface Filters {
  clientId: string;
  action: string;
  actor: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { clientId: '', action: '', actor: '', from: '', to: '' };

const KIND_LABEL: Record<Entry['actor']['kind'], string> = { user: 'user', key: 'API key', local: 'command line', system: 'imgapi' };

/** Who, in words: a user's or key's name with what it is; the CLI on the server and the expiry job by their kind. */
function actorText(actor: Entry['actor']): string {
  if (actor.kind === 'local') return 'Command line (on the server)';
  if (actor.kind === 'system') return 'imgapi (trash expiry)';
  return `${actor.name} (${KIND_LABEL[actor.kind]})`;
}

/** The query as the API takes it: only the filters set. */
function queryOf(filters: Filters, page: number) {
  const query: Record<string, string> = { page: String(page), pageSize: String(PAGE_SIZE) };
  for (const [name, value] of Object.entries(filters)) if (value.trim()) query[name] = value.trim();
  return query;
}

/**
 * The audit log (`GET /api/v1/audit`): who changed what, newest first, across the clients this
 * user reaches (owners and admins: every client, and the users' changes). Filters by client,
 * action (one, or a whole subject), actor and days; on a phone each entry is a small card.
 */
export function AuditPage({ clients }: { clients: ClientView[] }) {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<AuditPageView | null>(null);
  const [error, setError] = useState('');
  const [filtersOpen] = useState(() => !matchMedia('(max-width: 640px)').matches);
  const activeFilters = Object.values(filters).filter((value) => value.trim()).length;

  useEffect(() => {
    setError('');
    // An answer to filters changed since (a slow one overtaken) must not replace the newer one.
    let current = true;
    call(v1.audit.get({ query: queryOf(filters, page) })).then(
      (next) => current && setData(next),
      (e) => current && setError(messageOf(e)),
    );
    return () => {
      current = false;
    };
  }, [filters, page]);

  const set = (name: keyof Filters) => (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value });
  const apply = (event: Event) => {
    event.preventDefault();
    setPage(1);
    setFilters({ ...draft });
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setPage(1);
    setFilters(NO_FILTERS);
  };
  const clientName = (id: string | null) => {
    if (id === null) return 'Installation';
    const client = clients.find((c) => c.id === id);
    return client ? client.name : id;
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <div class="page audit-page">
      <section class="card" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit log</h2>
        <p class="muted">Every change to images, folders, presets, keys, secrets, webhooks, clients, users and quotas: who made it, from where, and when.</p>
        {/* Five filters fill a phone's first screen: folded there until asked for, open on a wider screen. */}
        <details class="audit-filter-box" open={filtersOpen} data-testid="audit-filter-box">
          <summary>Filters{activeFilters > 0 ? ` (${activeFilters} set)` : ''}</summary>
          <form class="audit-filters" onSubmit={apply} data-testid="audit-filters">
            <label>
              Client
              <select value={draft.clientId} onChange={set('clientId')} data-testid="audit-client">
                <option value="">All clients</option>
                {clients.map((c) => (
                  <option value={c.id}>{c.name === c.id ? c.id : `${c.name} (${c.id})`}</option>
                ))}
              </select>
            </label>
            <label>
              Action
              <select value={draft.action} onChange={set('action')} data-testid="audit-action">
                <option value="">All actions</option>
                <optgroup label="Everything about">
                  {AUDIT_SUBJECTS.map((subject) => (
                    <option value={subject}>{subject}</option>
                  ))}
                </optgroup>
                <optgroup label="One action">
                  {AUDIT_ACTIONS.map((action) => (
                    <option value={action}>{action}</option>
                  ))}
                </optgroup>
              </select>
            </label>
            <label>
              Actor
              <input value={draft.actor} onInput={set('actor')} placeholder="Name or id" maxLength={200} data-testid="audit-actor" />
            </label>
            <label>
              From
              <input type="date" value={draft.from} onInput={set('from')} data-testid="audit-from" />
            </label>
            <label>
              To
              <input type="date" value={draft.to} onInput={set('to')} data-testid="audit-to" />
            </label>
            <div class="audit-filter-buttons">
              <button class="primary" data-testid="audit-apply">
                Filter
              </button>
              <button type="button" class="ghost" onClick={clear} data-testid="audit-clear">
                Clear
              </button>
            </div>
          </form>
        </details>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="muted" role="status" data-testid="audit-total">
          {data ? `${data.total.toLocaleString('en-US')} ${data.total === 1 ? 'entry' : 'entries'}` : 'Loading…'}
        </p>
        {data && data.items.length > 0 && (
          <table class="audit-table" data-testid="audit-table">
            <caption class="visually-hidden">Changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Client</th>
                <th scope="col">Action</th>
                <th scope="col">What</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((e) => (
                <tr data-testid="audit-row" data-action={e.action}>
                  <td data-label="When">
                    <time dateTime={e.time}>{new Date(e.time).toLocaleString()}</time>
                  </td>
                  <td data-label="Who">{actorText(e.actor)}</td>
                  <td data-label="Client">{clientName(e.clientId)}</td>
                  <td data-label="Action">
                    <code>{e.action}</code>
                  </td>
                  <td data-label="What" class="audit-target" title={e.target.id ?? undefined}>
                    {e.target.name ?? e.target.id ?? '—'}
                  </td>
                  <td data-label="From">{e.address ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 && (
          <nav class="pager" aria-label="Audit log pages">
            <button class="small" disabled={page <= 1} onClick={() => setPage(page - 1)} data-testid="audit-previous">
              Previous
            </button>
            <span>
              Page {page} of {pages}
            </span>
            <button class="small" disabled={page >= pages} onClick={() => setPage(page + 1)} data-testid="audit-next">
              Next
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}
