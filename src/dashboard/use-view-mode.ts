import { useState } from 'preact/hooks';

export type ViewMode = 'grid' | 'list';

const KEY = 'imgapi.library.view';

/** Read safely: storage can be unavailable (a private window's quota, a policy) or hold anything. */
function stored(): ViewMode {
  try {
    return localStorage.getItem(KEY) === 'list' ? 'list' : 'grid';
  } catch {
    return 'grid';
  }
}

/**
 * The library's grid or list view, remembered in this browser. A view the address names (a
 * shared link, a reload) is shown first, without becoming this browser's choice: `[view,
 * choose (remembered), show (this page only)]`.
 */
export function useViewMode(fromAddress: ViewMode | null = null): [ViewMode, (view: ViewMode) => void, (view: ViewMode) => void] {
  const [view, setView] = useState<ViewMode>(() => fromAddress ?? stored());
  const choose = (next: ViewMode) => {
    setView(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered: the choice still holds on this page.
    }
  };
  return [view, choose, setView];
}
