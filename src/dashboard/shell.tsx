import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { auth, call, messageOf, useClient, v1, type ClientView } from './api';
import { ClientSettingsPage } from './client-settings-page';
import { KeysPage } from './keys-page';
import { Library } from './library';
import { PresetsPage } from './presets-page';
import { readRoute, type Tab } from './route';
import { SecretBox } from './secret-box';
import { TabRow } from './tab-row';
import { onLibraryControl, showShortcuts, useShortcuts } from './shortcuts';
import { ThemePicker } from './theme-picker';
import { TrashPage } from './trash-page';
import { AuditPage } from './audit-page';
import { UsagePage } from './usage-page';
import { AccountPage } from './account-page';
import { managesClients, managesUsers, MeContext, type Me } from './me';
import { UsersPage } from './users-page';

const TABS: [Tab, string][] = [
  ['images', 'Images'],
  ['presets', 'Presets'],
  ['keys', 'API keys'],
  ['settings', 'Settings'],
  ['usage', 'Usage'],
  ['trash', 'Trash'],
  ['audit', 'Audit log'],
];
/** Pages of the installation, not of a client: shown with no client chosen too. */
const OWN_TABS: [Tab, string][] = [
  ['users', 'Users'],
  ['account', 'Your account'],
];

/** The new-client box: focused when it opens; Close or Escape shuts it and focus goes back to "+ Client". */
function NewClient({ onCreated, onClose }: { onCreated: (client: ClientView) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [apiKey, setApiKey] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // Before the browser handles the next event: a key typed right after the click lands in the field.
  useLayoutEffect(() => input.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const { apiKey, ...client } = await call(v1.clients.post({ name }));
      setApiKey(apiKey);
      setName('');
      setError('');
      onCreated(client);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <section
      class="popover card"
      aria-labelledby="new-client-heading"
      data-testid="new-client"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div class="row popover-head">
        <h2 id="new-client-heading">New client</h2>
        <button type="button" class="ghost" onClick={onClose} data-testid="new-client-close">
          Close
        </button>
      </div>
      <form class="row" onSubmit={submit}>
        <input ref={input} placeholder="New client name" aria-label="New client name" value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} required />
        <button class="primary">Create client</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {apiKey && <SecretBox label="The new client's first API key" secret={apiKey} />}
    </section>
  );
}

export function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  // Only what the role can do is offered; the server refuses the rest anyway.
  const tabs = [...TABS, ...(managesUsers(me) ? OWN_TABS.slice(0, 1) : [])];
  const [clients, setClients] = useState<ClientView[]>([]);
  const [clientId, setClientId] = useState('');
  const [tab, setTab] = useState<Tab>(() => readRoute().tab);
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  // The header is sticky and one or two lines high: what sticks under it (the selection's
  // toolbar) reads its height from --topbar-height.
  const header = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const element = header.current;
    if (!element) return;
    const observer = new ResizeObserver(() => document.documentElement.style.setProperty('--topbar-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const closeNewClient = () => {
    setAdding(false);
    addButton.current?.focus();
  };

  const choose = (id: string) => {
    // A folder of one client means nothing to another.
    if (clientId && id !== clientId) history.replaceState(history.state, '', `#/${tab}`);
    useClient(id);
    localStorage.setItem('imgapi.client', id);
    setClientId(id);
  };

  // The new client is picked in the same render that shows its first key; the list reloads behind it.
  const added = (client: ClientView) => {
    setClients((list) => [...list.filter((c) => c.id !== client.id), client]);
    choose(client.id);
    loadClients(client.id).catch(() => undefined);
  };

  const [clientsLoaded, setClientsLoaded] = useState(false);
  const loadClients = async (prefer?: string) => {
    const { items } = await call(v1.clients.get());
    setClients(items);
    setClientsLoaded(true);
    const wanted = prefer ?? localStorage.getItem('imgapi.client');
    const next = items.find((c) => c.id === wanted) ?? items.find((c) => c.id === 'default') ?? items[0];
    if (next) choose(next.id);
  };

  // Attached in the render that read the route: a plain effect runs after paint, so a link
  // followed as soon as the shell showed was missed (the page stayed on Images).
  useLayoutEffect(() => {
    const onHash = () => setTab(readRoute().tab);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    loadClients().catch(() => onLogout());
  }, []);

  // #/users is an owner's page: anyone else who follows a link there gets their own account.
  const shown: Tab = tab === 'users' && !managesUsers(me) ? 'account' : tab;
  const title = [...TABS, ...OWN_TABS].find(([id]) => id === shown)![1];
  useEffect(() => {
    document.title = `${title} · imgapi`;
  }, [title]);
  useShortcuts({
    '/': () => onLibraryControl('image-search', (search) => search.focus()),
    u: () => onLibraryControl('upload-input', (input) => input.click()),
    '?': showShortcuts,
  });

  const logout = async () => {
    await call(auth.logout.post()).catch(() => undefined);
    onLogout();
  };

  return (
    <div class="shell">
      <header class="topbar" ref={header}>
        <a class="brand" href="#/images">
          imgapi
        </a>
        <label class="client-picker">
          <span class="muted">Client</span>
          <select data-testid="client-select" value={clientId} onChange={(e) => choose(e.currentTarget.value)}>
            {clients.map((c) => (
              <option value={c.id}>{c.name === c.id ? c.id : `${c.name} (${c.id})`}</option>
            ))}
          </select>
        </label>
        {managesClients(me) && (
          <button ref={addButton} class="ghost" onClick={() => setAdding(!adding)} aria-expanded={adding} data-testid="new-client-open" title="New client">
            +<span class="new-client-word"> Client</span>
          </button>
        )}
        <TabRow tabs={tabs} active={tab} />
        <a class="user" href="#/account" aria-current={tab === 'account' ? 'page' : undefined} title="Your account and password" data-testid="account-link">
          {me.username}
        </a>
        {/* A phone has no room for the name: the account is this round button there. */}
        <a class="icon-button account-icon" href="#/account" aria-current={tab === 'account' ? 'page' : undefined} aria-label={`Your account (${me.username})`} title="Your account and password" data-testid="account-icon">
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <circle cx="8" cy="5" r="3" fill="currentColor" />
            <path d="M2 15c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5z" fill="currentColor" />
          </svg>
        </a>
        <ThemePicker />
        <button class="ghost icon-button shortcuts-open" onClick={showShortcuts} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-open">
          ?
        </button>
        <button class="ghost" data-testid="logout" onClick={logout} title="Log out">
          {/* On a phone the words give their room to the client picker: an icon, the same name for a screen reader. */}
          <svg class="logout-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M6 2H3v12h3M10 4.5 13.5 8 10 11.5M13.5 8H6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <span class="logout-word">Log out</span>
        </button>
      </header>
      {adding && <NewClient onCreated={added} onClose={closeNewClient} />}
      {(tab === 'users' || tab === 'account') && (
        <main class="content">
          <h1 class="visually-hidden">{title}</h1>
          <MeContext.Provider value={me}>{shown === 'users' ? <UsersPage /> : <AccountPage />}</MeContext.Provider>
        </main>
      )}
      {!clientId && tab !== 'users' && tab !== 'account' && clientsLoaded && (
        <main class="content">
          <h1 class="visually-hidden">{title}</h1>
          <p class="notice" data-testid="no-clients">No client is granted to you yet: ask an owner of this installation.</p>
        </main>
      )}
      {clientId && tab !== 'users' && tab !== 'account' && (
        <MeContext.Provider value={me}>
        <main class="content" key={clientId}>
          {/* The highlighted tab names the page for the eye; this names it for a screen reader's outline. */}
          <h1 class="visually-hidden">{title}</h1>
          {tab === 'images' && <Library />}
          {tab === 'presets' && <PresetsPage />}
          {tab === 'keys' && <KeysPage />}
          {tab === 'trash' && <TrashPage />}
          {tab === 'usage' && <UsagePage />}
          {tab === 'audit' && <AuditPage clients={clients} />}
          {tab === 'settings' && (
            <ClientSettingsPage
              client={clients.find((c) => c.id === clientId)}
              canDelete={clients.length > 1}
              onRenamed={(c) => loadClients(c.id)}
              onDeleted={() => {
                localStorage.removeItem('imgapi.client');
                return loadClients();
              }}
            />
          )}
        </main>
        </MeContext.Provider>
      )}
    </div>
  );
}
