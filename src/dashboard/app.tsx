import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Login } from './login';
import { Shell } from './shell';

export function App() {
  // undefined while we ask the server whether the session cookie is still good.
  const [user, setUser] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    api<{ username: string | null }>('GET', '/auth/me').then(
      (me) => setUser(me.username),
      () => setUser(null),
    );
  }, []);
  if (user === undefined) return <div class="splash">Loading…</div>;
  if (user === null) return <Login onLogin={setUser} />;
  return <Shell user={user} onLogout={() => setUser(null)} />;
}
