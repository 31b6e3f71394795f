/**
 * Where the user is, kept in the URL's hash (`#/images?folder=summer&page=2`): a reload, or a
 * log-in after the session ended, comes back to the same tab, folder, page and search.
 */

export type Tab = 'images' | 'presets' | 'webhooks' | 'keys' | 'settings' | 'trash' | 'usage' | 'users' | 'account' | 'audit';
/** null: every image; '': the root only; otherwise a folder path. */
export type Selection = string | null;

export interface Route {
  tab: Tab;
  folder: Selection;
  page: number;
  q: string;
}

const TABS: Tab[] = ['images', 'presets', 'webhooks', 'keys', 'settings', 'trash', 'usage', 'users', 'account', 'audit'];

export function readRoute(hash: string = location.hash): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const folder = params.get('folder');
  const page = Number(params.get('page'));
  return {
    // Webhooks are a part of the settings page now: old links open it there.
    tab: path === 'webhooks' ? 'settings' : TABS.includes(path as Tab) ? (path as Tab) : 'images',
    // As the API spells it: `/` is the root.
    folder: folder === null ? null : folder === '/' ? '' : folder,
    page: Number.isInteger(page) && page > 1 ? page : 1,
    q: params.get('q') ?? '',
  };
}

export function routeHash(route: Route): string {
  const params = new URLSearchParams();
  if (route.folder !== null) params.set('folder', route.folder || '/');
  if (route.page > 1) params.set('page', String(route.page));
  if (route.q) params.set('q', route.q);
  const query = params.toString();
  return `#/${route.tab}${query ? `?${query}` : ''}`;
}

/** Records the library's place without a history entry per folder click or keystroke. */
export function replaceRoute(route: Route): void {
  const hash = routeHash(route);
  if (hash !== location.hash) history.replaceState(history.state, '', hash);
}
