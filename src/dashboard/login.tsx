import { useEffect, useState } from 'preact/hooks';
import { logIn, messageOf } from './api';

export function Login({ sessionEnded, onLogin }: { sessionEnded: boolean; onLogin: (username: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Sign in · imgapi';
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLogin((await logIn(username, password)).username);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit}>
        <p class="brand">imgapi</p>
        <h1 class="login-title">Sign in</h1>
        {sessionEnded ? (
          <p class="notice" role="status" data-testid="session-ended">
            Your session has ended. Sign in again to continue where you were.
          </p>
        ) : (
          <p class="muted">Manage your images, presets and API keys.</p>
        )}
        <label>
          Username
          <input data-testid="login-username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button class="primary" data-testid="login-submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
