/**
 * Arrow-key movement in a WAI-ARIA tree (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/):
 * Up/Down between the visible items, Home/End to the first/last, Right opens a closed folder or
 * goes to its first child, Left closes an open folder or goes to its parent (an item owns its
 * group through aria-owns). What it returns
 * says what to do; the tree holds the state.
 */
export type TreeMove = { focus: HTMLElement } | { expand: string } | { collapse: string } | null;

const items = (tree: HTMLElement) => [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')];

export function treeMove(tree: HTMLElement, item: HTMLElement, key: string): TreeMove {
  const all = items(tree);
  const at = all.indexOf(item);
  const path = item.dataset.path ?? '';
  const expanded = item.getAttribute('aria-expanded');
  switch (key) {
    case 'ArrowDown':
      return all[at + 1] ? { focus: all[at + 1]! } : null;
    case 'ArrowUp':
      return at > 0 ? { focus: all[at - 1]! } : null;
    case 'Home':
      return all[0] ? { focus: all[0] } : null;
    case 'End':
      return all.length ? { focus: all[all.length - 1]! } : null;
    case 'ArrowRight':
      if (expanded === 'false') return { expand: path };
      if (expanded === 'true') {
        const child = tree.querySelector<HTMLElement>(`[id="${item.getAttribute('aria-owns')}"] [role="treeitem"]`);
        return child ? { focus: child } : null;
      }
      return null;
    case 'ArrowLeft': {
      if (expanded === 'true') return { collapse: path };
      const group = item.closest<HTMLElement>('[role="group"]');
      const parent = group && tree.querySelector<HTMLElement>(`[role="treeitem"][aria-owns="${group.id}"]`);
      return parent ? { focus: parent } : null;
    }
    default:
      return null;
  }
}
