import { useEffect, useState } from 'preact/hooks';
import type { InviteView, UserView } from '../api/users';
import type { Role } from '../core/roles';
import { call, messageOf, param, v1, type ClientView } from './api';
import { confirmDialog, confirmWithChoice } from './confirm-dialog';
import { useMe } from './me';
import { SecretBox } from './secret-box';

const ROLES: { role: Role; label: string; note: string }[] = [
  { role: 'owner', label: 'Owner', note: 'everything, users too' },
  { role: 'admin', label: 'Admin', note: 'every client, not users' },
  { role: 'member', label: 'Member', note: 'all work in the clients granted' },
  { role: 'viewer', label: 'Viewer', note: 'read and copy URLs of the clients granted' },
];
const granted = (role: Role) => role === 'member' || role === 'viewer';
const until = (iso: string) => new Date(iso).toLocaleString();

/** Tick boxes for the clients a member or viewer reaches. */
function ClientChoice({ clients, chosen, onChange, legend }: { clients: ClientView[]; chosen: string[]; onChange: (ids: string[]) => void; legend: string }) {
  return (
    <fieldset class="client-choice">
      <legend>{legend}</legend>
      {clients.map((c) => (
        <label class="check">
          <input
            type="checkbox"
            checked={chosen.includes(c.id)}
            onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((id) => id !== c.id))}
          />
          {c.name === c.id ? c.id : `${c.name} (${c.id})`}
        </label>
      ))}
    </fieldset>
  );
}

function InviteForm({ clients, onInvited }: { clients: ClientView[]; onInvited: () => void }) {
  const [role, setRole] = useState<Role>('member');
  const [clientIds, setClientIds] = useState<string[]>([]);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const invited = await call(v1.users.invites.post({ role, clientIds: granted(role) ? clientIds : [] }));
      setLink(invited);
      setClientIds([]);
      setError('');
      onInvited();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <section class="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite a user</h2>
      <form class="stack" onSubmit={submit} data-testid="invite-form">
        <label>
          Role
          <select data-testid="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option value={r.role}>
                {r.label}: {r.note}
              </option>
            ))}
          </select>
        </label>
        {granted(role) && <ClientChoice clients={clients} chosen={clientIds} onChange={setClientIds} legend="Clients they may reach" />}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button class="primary" data-testid="invite-submit">
            Create invitation link
          </button>
        </div>
      </form>
      {link && (
        <SecretBox
          label="Invitation link"
          secret={link.url}
          testId="invite-link"
          note={`Send it to the person you invite: it works once, until ${until(link.expiresAt)}. It is shown only now.`}
        />
      )}
    </section>
  );
}

function UserRow({ user, clients, self, onChanged }: { user: UserView; clients: ClientView[]; self: boolean; onChanged: () => Promise<void> }) {
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState(user.clientIds);
  const [resetLink, setResetLink] = useState<{ url: string; expiresAt: string } | null>(null);
  useEffect(() => setChosen(user.clientIds), [user.clientIds.join(',')]);
  const attempt = async (run: () => Promise<unknown>) => {
    try {
      await run();
      setError('');
      await onChanged();
    } catch (e) {
      setError(messageOf(e));
      await onChanged();
    }
  };
  const patch = (body: { role?: Role; clientIds?: string[]; disabled?: boolean; revokeKeys?: true }) => attempt(() => call(v1.users(param(user.id)).patch(body)));
  const keys = user.apiKeys === 1 ? 'the API key' : `the ${user.apiKeys} API keys`;
  const toggle = async () => {
    if (user.disabled) return patch({ disabled: false });
    const signedOut = `${user.username} is signed out at once and cannot sign in until enabled again.`;
    if (user.apiKeys === 0) {
      if (await confirmDialog({ danger: true, title: 'Disable user?', message: signedOut, confirmLabel: 'Disable' })) await patch({ disabled: true });
      return;
    }
    // Keys belong to their client and may be in production: revoking them is asked, not assumed.
    const answer = await confirmWithChoice({
      danger: true,
      title: 'Disable user?',
      message: `${signedOut} ${user.apiKeys === 1 ? 'One API key they made keeps' : `${user.apiKeys} API keys they made keep`} working unless revoked.`,
      choice: `Also revoke ${keys} ${user.username} made`,
      confirmLabel: 'Disable',
    });
    if (answer) await patch({ disabled: true, ...(answer.chosen && { revokeKeys: true as const }) });
  };
  const revokeKeys = async () => {
    const sure = await confirmDialog({ danger: true, title: 'Revoke API keys?', message: `Revoke ${keys} ${user.username} made, on every client? Programs using them will get 401.`, confirmLabel: 'Revoke' });
    if (sure) await patch({ revokeKeys: true });
  };
  const reset = () =>
    attempt(async () => {
      setResetLink(await call(v1.users(param(user.id))['password-reset'].post()));
    });
  const names = user.clientIds.map((id) => clients.find((c) => c.id === id)?.name ?? id);
  return (
    <li class="user-row card" data-user={user.username}>
      <div class="user-head">
        <strong class="user-name">{user.username}</strong>
        {self && <span class="muted"> (you)</span>}
        {user.disabled && <span class="badge" data-testid="user-disabled">Disabled</span>}
      </div>
      <div class="user-controls">
        <label class="row">
          <span>Role</span>
          <select aria-label={`Role of ${user.username}`} data-testid="user-role" value={user.role} onChange={(e) => patch({ role: e.currentTarget.value as Role })}>
            {ROLES.map((r) => (
              <option value={r.role}>{r.label}</option>
            ))}
          </select>
        </label>
        {!self && (
          <button class={user.disabled ? '' : 'danger'} data-testid="user-toggle" onClick={toggle}>
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
        )}
        {!user.disabled && (
          <button data-testid="user-reset" onClick={reset}>
            Reset password
          </button>
        )}
        {/* A disabled user's keys can still be revoked later: the dialog's choice is not the only chance. */}
        {user.apiKeys > 0 && !self && (
          <button class="ghost" data-testid="user-revoke-keys" onClick={revokeKeys}>
            Revoke {user.apiKeys === 1 ? 'their API key' : `their ${user.apiKeys} API keys`}
          </button>
        )}
      </div>
      {granted(user.role) && (
        <details class="user-clients">
          <summary data-testid="user-clients-summary">Clients: {names.length ? names.join(', ') : 'none yet'}</summary>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void patch({ clientIds: chosen });
            }}
          >
            <ClientChoice clients={clients} chosen={chosen} onChange={setChosen} legend={`Clients ${user.username} may reach`} />
            <button class="primary small" data-testid="user-clients-save">
              Save clients
            </button>
          </form>
        </details>
      )}
      {error && (
        <p class="error" role="alert" data-testid="user-error">
          {error}
        </p>
      )}
      {resetLink && (
        <SecretBox
          label={`Password reset link for ${user.username}`}
          secret={resetLink.url}
          testId="reset-link"
          note={`Send it to ${user.username}: it works once, until ${until(resetLink.expiresAt)}. It is shown only now.`}
        />
      )}
    </li>
  );
}

/** Owners only: users, their roles and clients, invitations. */
export function UsersPage() {
  const me = useMe();
  const [users, setUsers] = useState<UserView[]>([]);
  const [invites, setInvites] = useState<InviteView[]>([]);
  const [clients, setClients] = useState<ClientView[]>([]);
  const [error, setError] = useState('');
  const load = async () => {
    const [list, all] = await Promise.all([call(v1.users.get()), call(v1.clients.get())]);
    setUsers(list.items);
    setInvites(list.invites);
    setClients(all.items);
  };
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, []);
  const withdraw = async (invite: InviteView) => {
    if (!(await confirmDialog({ danger: true, title: 'Withdraw invitation?', message: 'Its link stops working at once.', confirmLabel: 'Withdraw' }))) return;
    try {
      await call(v1.users.invites(param(invite.id)).delete());
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  return (
    <div class="page users-page">
      <section class="card" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <p class="muted">
          Owners manage users and every client; admins every client; members and viewers only the clients granted to them, viewers without changing anything.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <ul class="user-list" data-testid="user-list">
          {users.map((u) => (
            <UserRow user={u} clients={clients} self={u.username === me.username} onChanged={load} />
          ))}
        </ul>
      </section>
      <InviteForm clients={clients} onInvited={load} />
      {invites.length > 0 && (
        <section class="card" aria-labelledby="pending-heading">
          <h2 id="pending-heading">Pending invitations</h2>
          <ul class="plain-list" data-testid="pending-invites">
            {invites.map((i) => (
              <li class="row">
                <span>
                  {ROLES.find((r) => r.role === i.role)!.label}
                  {granted(i.role) && ` of ${i.clientIds.join(', ') || 'no client'}`}, until {until(i.expiresAt)}
                </span>
                <button class="small" onClick={() => withdraw(i)}>
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
