import { useState } from 'preact/hooks';
import { call, param, v1, type KeyView } from './api';
import { useCollection } from './use-collection';
import { SecretBox } from './secret-box';
import { useCanChange } from './me';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function KeysPage() {
  const keys = useCollection<KeyView>({ list: () => call(v1.keys.get()), remove: (id) => call(v1.keys(param(id)).delete()) });
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const canChange = useCanChange();

  const create = keys.submit(async () => {
    const created = await call(v1.keys.post({ name: name || 'default' }));
    setSecret(created.apiKey);
    setName('');
  });

  const revoke = (key: KeyView) => keys.remove(key, { title: 'Revoke API key?', message: `Revoke "${key.name}" (${key.prefix}…)? Programs using it will get 401.`, confirmLabel: 'Revoke' });

  return (
    <div class="page">
      <section class="card">
        <h2>API keys</h2>
        <p class="muted">
          Send a key as <code>X-Api-Key</code> to call <code>/api/v1</code>. Keys are stored hashed: a secret is shown once, at creation.
        </p>
        {canChange && (
        <form class="row" onSubmit={create}>
          <input placeholder="Key name, e.g. ci" aria-label="Key name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <button class="primary" data-testid="key-create">
            Create key
          </button>
        </form>
        )}
        {keys.error && <p class="error">{keys.error}</p>}
        {secret && <SecretBox label="Your new API key" secret={secret} testId="key-secret" />}
        <table class="keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.items.map((k) => (
              <tr data-key-id={k.id}>
                <td class="key-name">{k.name}</td>
                <td data-label="Key">
                  <code data-testid="key-prefix">{k.prefix}…</code>
                </td>
                <td data-label="Created">
                  {when(k.createdAt)}
                  {/* Who to ask about a key, and whose departure it should follow. */}
                  {k.createdBy && <span class="muted key-maker" data-testid="key-maker"> by {k.createdBy.username}</span>}
                </td>
                <td data-label="Last used">{when(k.lastUsedAt)}</td>
                <td class="key-actions">
                  {canChange && (
                    <button class="danger small" data-testid="key-revoke" onClick={() => revoke(k)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
