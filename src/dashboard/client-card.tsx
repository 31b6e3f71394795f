import { useState } from 'preact/hooks';
import { call, messageOf, v1, type ClientView } from './api';
import { confirmDialog } from './confirm-dialog';

export interface ClientCardProps {
  client: ClientView;
  /** False for the last client, which the server refuses to delete. */
  canDelete: boolean;
  onRenamed: (client: ClientView) => void;
  onDeleted: () => void;
}

/** The selected client's name (rename) and its deletion, refused while it has images. */
export function ClientCard({ client, canDelete, onRenamed, onDeleted }: ClientCardProps) {
  const [name, setName] = useState(client.name);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const attempt = async (run: () => Promise<void>) => {
    setError('');
    setSaved(false);
    setBusy(true);
    try {
      await run();
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };

  const rename = (event: Event) => {
    event.preventDefault();
    return attempt(async () => {
      const renamed = await call(v1.clients({ id: client.id }).patch({ name }));
      setName(renamed.name);
      setSaved(true);
      onRenamed(renamed);
    });
  };

  const remove = async () => {
    const message = `Delete client "${client.name}" (${client.id})? Its API keys, folders, presets, webhooks and purge targets go with it. A client with images cannot be deleted.`;
    if (!(await confirmDialog({ title: 'Delete client?', message, confirmLabel: 'Delete client', danger: true }))) return;
    return attempt(async () => {
      await call(v1.clients({ id: client.id }).delete());
      onDeleted();
    });
  };

  return (
    <section class="card" aria-labelledby="client-heading" data-testid="client-card">
      <h2 id="client-heading">Client</h2>
      <p>
        Id <code>{client.id}</code>: it is part of every delivery URL and never changes.
      </p>
      <form class="row" onSubmit={rename}>
        <label class="row">
          <span>Name</span>
          <input value={name} maxLength={100} required onInput={(e) => setName(e.currentTarget.value)} data-testid="client-name" />
        </label>
        <button disabled={busy || name.trim() === client.name} data-testid="client-rename">
          Rename
        </button>
      </form>
      {saved && (
        <p class="muted" role="status">
          Renamed.
        </p>
      )}
      <h3>Delete this client</h3>
      <p>{canDelete ? 'Delete its images first; then the client, its API keys, folders, presets, webhooks and purge targets can go.' : 'The only client cannot be deleted.'}</p>
      <button type="button" class="danger" disabled={busy || !canDelete} onClick={remove} data-testid="client-delete">
        Delete client
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
