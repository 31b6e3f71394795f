import { useState } from 'preact/hooks';

export interface ImageSelection {
  ids: string[];
  size: number;
  has(id: string): boolean;
  /** A click on a tile's box: toggles it; with Shift, the tiles from the last one clicked take its new state. */
  toggle(id: string, range: boolean, order: readonly string[]): void;
  add(ids: readonly string[]): void;
  set(ids: readonly string[]): void;
  clear(): void;
}

/**
 * The images chosen for a bulk action, in the order chosen. It outlives a page change (choose
 * on page 1, add on page 2); a range runs along the page shown.
 */
export function useSelection(): ImageSelection {
  const [ids, setIds] = useState<string[]>([]);
  const [anchor, setAnchor] = useState<string | null>(null);
  const chosen = new Set(ids);

  return {
    ids,
    size: ids.length,
    has: (id) => chosen.has(id),
    toggle(id, range, order) {
      const on = !chosen.has(id);
      const from = anchor === null ? -1 : order.indexOf(anchor);
      const to = order.indexOf(id);
      const span = range && from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
      setIds((was) => (on ? [...was, ...span.filter((x) => !was.includes(x))] : was.filter((x) => !span.includes(x))));
      setAnchor(id);
    },
    add: (more) => setIds((was) => [...was, ...more.filter((x) => !was.includes(x))]),
    set: (next) => setIds([...next]),
    clear() {
      setIds([]);
      setAnchor(null);
    },
  };
}
