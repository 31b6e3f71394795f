import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { AcceptLink } from './accept-link';
import { auth, call, whenSessionEnds } from './api';
import { readLinkPage } from './link-page';
import { Login } from './login';
import type { Me } from './me';
import { Shell } from './shell';

/** Who the session is, with role and clients; null when not logged in. */
async function whoAmI(): Promise<Me | null> {
  const me = await call(auth.me.get());
  return me.username && me.role ? { username: me.username, role: me.role, clientIds: me.clientIds ?? null } : null;
}

export function App() {
  // undefined while we ask the server whether the session cookie is still good.
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [sessionEnded, setSessionEnded] = useState(false);
  // An invitation or reset link opens its own page, logged in or not.
  const [link, setLink] = useState(() => readLinkPage());
  useEffect(() => {
    // The URL's hash keeps the user's place, so logging in again returns there.
    whenSessionEnds(() => {
      setSessionEnded(true);
      setUser(null);
    });
    whoAmI().then(setUser, () => setUser(null));
  }, []);
  // Attached in the render that read the hash (a plain effect runs after paint, and a link
  // followed in between would be missed).
  useLayoutEffect(() => {
    const onHash = () => setLink(readLinkPage());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (link) {
    return (
      <AcceptLink
        link={link}
        onDone={() => {
          // The link is used: leave no token in the address bar or history, and sign in afresh.
          history.replaceState(history.state, '', '#/images');
          setLink(null);
          setSessionEnded(false);
          setUser(undefined);
          whoAmI().then(setUser, () => setUser(null));
        }}
      />
    );
  }
  if (user === undefined) return <div class="splash">Loading…</div>;
  if (user === null) return <Login sessionEnded={sessionEnded} onLogin={() => whoAmI().then(setUser, () => setUser(null))} />;
  return (
    <Shell
      me={user}
      onLogout={() => {
        setSessionEnded(false);
        setUser(null);
      }}
    />
  );
}
