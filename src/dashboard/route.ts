import { MAX_PAGE } from '../core/paging';
import { DEFAULT_LISTING, listingOf, writeListing, type Listing } from './listing';
import type { ViewMode } from './use-view-mode';

/**
 * Where the user is, kept in the URL's hash (`#/images?folder=summer&page=2&sort=name&view=list`):
 * a reload, a log-in after the session ended or a shared link comes back to the same tab, folder,
 * page, search, order, filters and view. Every value is checked as it is read: a hand-edited or
 * stale address falls back to the default, never to an error or a refused request.
 */

export type Tab = 'images' | 'presets' | 'webhooks' | 'keys' | 'settings' | 'trash' | 'usage' | 'users' | 'account' | 'audit';
/** null: every image; '': the root only; otherwise a folder path. */
export type Selection = string | null;

export interface Route {
  tab: Tab;
  folder: Selection;
  page: number;
  q: string;
  listing: Listing;
  /** null: the address does not say, and the view remembered in this browser holds. */
  view: ViewMode | null;
}

/** A link into the library: an order, filters or view left out are the defaults. */
export type RouteLink = Omit<Route, 'listing' | 'view'> & Partial<Pick<Route, 'listing' | 'view'>>;

/** The API's longest search (its schema's limit): a longer one would be a 400. */
const MAX_SEARCH = 200;

const TABS: Tab[] = ['images', 'presets', 'webhooks', 'keys', 'settings', 'trash', 'usage', 'users', 'account', 'audit'];

export function readRoute(hash: string = location.hash): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const folder = params.get('folder');
  const page = params.get('page') ?? '';
  const q = params.get('q') ?? '';
  const view = params.get('view');
  return {
    // Webhooks are a part of the settings page now: old links open it there.
    tab: path === 'webhooks' ? 'settings' : TABS.includes(path as Tab) ? (path as Tab) : 'images',
    // As the API spells it: `/` is the root.
    folder: folder === null ? null : folder === '/' ? '' : folder,
    // Plain digits, as the API reads them: 1e3 or 2.5 is no page number.
    page: /^[1-9][0-9]*$/.test(page) && Number(page) <= MAX_PAGE ? Number(page) : 1,
    // As the API takes it: no longer than its limit, no control character.
    q: q.length <= MAX_SEARCH && !/[\u0000-\u001f\u007f]/.test(q) ? q : '',
    listing: listingOf(params),
    view: view === 'grid' || view === 'list' ? view : null,
  };
}

export function routeHash(route: RouteLink): string {
  const params = new URLSearchParams();
  if (route.folder !== null) params.set('folder', route.folder || '/');
  if (route.page > 1) params.set('page', String(route.page));
  if (route.q) params.set('q', route.q);
  writeListing(params, route.listing ?? DEFAULT_LISTING);
  if (route.view === 'list') params.set('view', 'list');
  const query = params.toString();
  return `#/${route.tab}${query ? `?${query}` : ''}`;
}

/**
 * Records the library's place without a history entry per folder click, keystroke or filter;
 * only while the address still names its page. A link followed changes the address at once but
 * dispatches its hashchange later: a render in between (a listing answering) wrote its place
 * over the link, and the shell then read the old page.
 */
export function replaceRoute(route: RouteLink): void {
  if (readRoute().tab !== route.tab) return;
  const hash = routeHash(route);
  if (hash !== location.hash) history.replaceState(history.state, '', hash);
}
