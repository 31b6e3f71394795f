import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './api';
import { confirmDialog, type ConfirmOptions } from './confirm-dialog';

/**
 * A list of the API (`{ items }`) with the two things its page does to it: submit a form that
 * adds to it (errors shown, list reloaded) and delete an item after a confirmation. `loaded` says
 * whether `items` is the server's answer yet: an empty list before then is not "none".
 */
export function useCollection<T extends { id: string }>(calls: { list: () => Promise<{ items: T[] }>; remove: (id: string) => Promise<unknown> }) {
  const [items, setItems] = useState<T[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState('');
  const load = () =>
    calls.list().then((r) => {
      setItems(r.items);
      setLoaded(true);
    });
  const attempt = async (run: () => Promise<void>) => {
    try {
      await run();
      setError('');
    } catch (e) {
      setError(messageOf(e));
    }
  };
  useEffect(() => {
    attempt(load);
  }, []);

  return {
    items,
    loaded,
    error,
    /** Loads the list again after a change made elsewhere (an edit form with its own errors). */
    reload: () => attempt(load),
    submit: (run: () => Promise<void>) => (event: Event) => {
      event.preventDefault();
      return attempt(async () => {
        await run();
        await load();
      });
    },
    async remove(item: T, confirmation: ConfirmOptions) {
      if (!(await confirmDialog({ danger: true, ...confirmation }))) return;
      return attempt(async () => {
        await calls.remove(item.id);
        await load();
      });
    },
  };
}
