import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, v1 } from './api';
import { errorOf, type CallResult } from '../client/api-client';
import type { LinkPage } from './link-page';

/** Answers of the link routes: no session is involved, so a 401 is an error like any other. */
async function post<T>(request: Promise<CallResult<T>>): Promise<NonNullable<T>> {
  const result = await request;
  if (!result.error) return result.data as NonNullable<T>;
  const { status, code, message } = errorOf(result.error);
  throw new ApiError(status, code, message);
}

/**
 * Where an invitation or a password reset link lands: the invitee chooses a user name and a
 * password, or the user a new password; then they sign in as usual.
 */
export function AcceptLink({ link, onDone }: { link: LinkPage; onDone: () => void }) {
  const invite = link.kind === 'invite';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ username: string; role: string } | null>(null);
  const signIn = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    document.title = `${invite ? 'Accept invitation' : 'Choose a new password'} · imgapi`;
  }, [invite]);
  useLayoutEffect(() => {
    if (done) signIn.current?.focus();
  }, [done]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password !== repeat) return setError('The two passwords differ');
    setBusy(true);
    setError('');
    try {
      setDone(
        invite
          ? await post(v1.users.invites.accept.post({ token: link.token, username, password }))
          : await post(v1.users['password-reset'].accept.post({ token: link.token, password })),
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} data-testid="accept-link">
        <p class="brand">imgapi</p>
        <h1 class="login-title">{invite ? 'Accept your invitation' : 'Choose a new password'}</h1>
        {done ? (
          <>
            <p role="status" data-testid="accept-done">
              {invite ? `Welcome, ${done.username}: your account (${done.role}) is ready.` : `The password of ${done.username} is changed; every earlier session has ended.`}
            </p>
            <button ref={signIn} type="button" class="primary" data-testid="accept-sign-in" onClick={onDone}>
              Sign in
            </button>
          </>
        ) : (
          <>
            <p class="muted">{invite ? 'Choose the user name and password you will sign in with. This link works once.' : 'This link works once.'}</p>
            {invite && (
              <label>
                Username
                <input data-testid="accept-username" autocomplete="username" value={username} maxLength={64} onInput={(e) => setUsername(e.currentTarget.value)} required />
              </label>
            )}
            <label>
              New password
              <input data-testid="accept-password" type="password" autocomplete="new-password" minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
            </label>
            <label>
              Repeat the password
              <input data-testid="accept-repeat" type="password" autocomplete="new-password" minLength={8} value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} required />
            </label>
            <p class="muted small-print">At least 8 characters.</p>
            {error && (
              <p class="error" role="alert" data-testid="accept-error">
                {error}
              </p>
            )}
            <button class="primary" data-testid="accept-submit" disabled={busy}>
              {invite ? 'Create my account' : 'Set the password'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
