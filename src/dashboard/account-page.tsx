import { useState } from 'preact/hooks';
import { call, messageOf, v1 } from './api';
import { useMe } from './me';

/** The logged-in user's own account: who they are, and a new password (the current one needed). */
export function AccountPage() {
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [changed, setChanged] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setChanged(false);
    if (next !== repeat) return setError('The two new passwords differ');
    try {
      await call(v1.users.me.password.put({ currentPassword: current, newPassword: next }));
      setError('');
      setCurrent('');
      setNext('');
      setRepeat('');
      setChanged(true);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <div class="page account-page">
      <section class="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Your account</h2>
        <p>
          Signed in as <strong data-testid="account-username">{me.username}</strong>, <span data-testid="account-role">{me.role}</span>
          {me.clientIds && <> of {me.clientIds.length === 0 ? 'no client yet' : me.clientIds.join(', ')}</>}.
        </p>
      </section>
      <section class="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change your password</h2>
        <form class="stack" onSubmit={submit} data-testid="password-form">
          <label>
            Current password
            <input type="password" autocomplete="current-password" data-testid="password-current" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} required />
          </label>
          <label>
            New password
            <input type="password" autocomplete="new-password" minLength={8} data-testid="password-new" value={next} onInput={(e) => setNext(e.currentTarget.value)} required />
          </label>
          <label>
            Repeat the new password
            <input type="password" autocomplete="new-password" minLength={8} data-testid="password-repeat" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} required />
          </label>
          {error && (
            <p class="error" role="alert" data-testid="password-error">
              {error}
            </p>
          )}
          {changed && (
            <p class="notice" role="status" data-testid="password-changed">
              Password changed. Your other sessions have ended.
            </p>
          )}
          <div>
            <button class="primary" data-testid="password-submit">
              Change password
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
