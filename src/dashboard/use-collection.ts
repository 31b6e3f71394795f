import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from './api';

/**
 * A list under /api/v1 (`{ items }`) with the two things its page does to it: submit a form that
 * adds to it (errors shown, list reloaded) and delete an item after a confirmation.
 */
export function useCollection<T extends { id: string }>(path: string) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState('');
  const load = () => api<{ items: T[] }>('GET', path).then((r) => setItems(r.items));
  useEffect(() => {
    load();
  }, []);

  return {
    items,
    error,
    submit: (run: () => Promise<void>) => async (event: Event) => {
      event.preventDefault();
      try {
        await run();
        setError('');
        await load();
      } catch (e) {
        setError(messageOf(e));
      }
    },
    async remove(item: T, question: string) {
      if (!confirm(question)) return;
      await api('DELETE', `${path}/${item.id}`);
      await load();
    },
  };
}
