import { useEffect, useState } from 'preact/hooks';
import { auth, call, whenSessionEnds } from './api';
import { Login } from './login';
import { Shell } from './shell';

export function App() {
  // undefined while we ask the server whether the session cookie is still good.
  const [user, setUser] = useState<string | null | undefined>(undefined);
  const [sessionEnded, setSessionEnded] = useState(false);
  useEffect(() => {
    // The URL's hash keeps the user's place, so logging in again returns there.
    whenSessionEnds(() => {
      setSessionEnded(true);
      setUser(null);
    });
    call(auth.me.get()).then(
      (me) => setUser(me.username),
      () => setUser(null),
    );
  }, []);
  if (user === undefined) return <div class="splash">Loading…</div>;
  if (user === null) return <Login sessionEnded={sessionEnded} onLogin={setUser} />;
  return (
    <Shell
      user={user}
      onLogout={() => {
        setSessionEnded(false);
        setUser(null);
      }}
    />
  );
}
