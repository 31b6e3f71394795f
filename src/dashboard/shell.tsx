import { useEffect, useState } from 'preact/hooks';
import { auth, call, messageOf, useClient, v1, type ClientView } from './api';
import { ClientSettingsPage } from './client-settings-page';
import { KeysPage } from './keys-page';
import { Library } from './library';
import { PresetsPage } from './presets-page';
import { readRoute, type Tab } from './route';
import { SecretBox } from './secret-box';
import { WebhooksPage } from './webhooks-page';

const TABS: [Tab, string][] = [
  ['images', 'Images'],
  ['presets', 'Presets'],
  ['webhooks', 'Webhooks'],
  ['keys', 'API keys'],
  ['settings', 'Settings'],
];

function NewClient({ onCreated }: { onCreated: (client: ClientView) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [apiKey, setApiKey] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const created = await call(v1.clients.post({ name }));
      setApiKey(created.apiKey);
      setName('');
      setError('');
      onCreated(created);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div class="popover card">
      <form class="row" onSubmit={submit}>
        <input placeholder="New client name" aria-label="New client name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <button class="primary">Create client</button>
      </form>
      {error && <p class="error">{error}</p>}
      {apiKey && <SecretBox label="The new client's first API key" secret={apiKey} />}
    </div>
  );
}

export function Shell({ user, onLogout }: { user: string; onLogout: () => void }) {
  const [clients, setClients] = useState<ClientView[]>([]);
  const [clientId, setClientId] = useState('');
  const [tab, setTab] = useState<Tab>(() => readRoute().tab);
  const [adding, setAdding] = useState(false);

  const choose = (id: string) => {
    // A folder of one client means nothing to another.
    if (clientId && id !== clientId) history.replaceState(history.state, '', `#/${tab}`);
    useClient(id);
    localStorage.setItem('imgapi.client', id);
    setClientId(id);
  };

  const loadClients = async (prefer?: string) => {
    const { items } = await call(v1.clients.get());
    setClients(items);
    const wanted = prefer ?? localStorage.getItem('imgapi.client');
    const next = items.find((c) => c.id === wanted) ?? items.find((c) => c.id === 'default') ?? items[0];
    if (next) choose(next.id);
  };

  useEffect(() => {
    loadClients().catch(() => onLogout());
    const onHash = () => setTab(readRoute().tab);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const logout = async () => {
    await call(auth.logout.post()).catch(() => undefined);
    onLogout();
  };

  return (
    <div class="shell">
      <header class="topbar">
        <h1 class="brand">imgapi</h1>
        <label class="client-picker">
          <span class="muted">Client</span>
          <select data-testid="client-select" value={clientId} onChange={(e) => choose(e.currentTarget.value)}>
            {clients.map((c) => (
              <option value={c.id}>{c.name === c.id ? c.id : `${c.name} (${c.id})`}</option>
            ))}
          </select>
        </label>
        <button class="ghost" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          + Client
        </button>
        <nav class="tabs">
          {TABS.map(([id, label]) => (
            <a href={`#/${id}`} class={tab === id ? 'active' : ''} aria-current={tab === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="muted user">{user}</span>
        <button class="ghost" data-testid="logout" onClick={logout}>
          Log out
        </button>
      </header>
      {adding && <NewClient onCreated={(c) => loadClients(c.id)} />}
      {clientId && (
        <main class="content" key={clientId}>
          {tab === 'images' && <Library />}
          {tab === 'presets' && <PresetsPage />}
          {tab === 'webhooks' && <WebhooksPage />}
          {tab === 'keys' && <KeysPage />}
          {tab === 'settings' && <ClientSettingsPage />}
        </main>
      )}
    </div>
  );
}
