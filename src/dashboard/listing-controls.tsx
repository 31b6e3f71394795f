import { activeFilters, DEFAULT_LISTING, FORMAT_LABELS, ORIENTATION_LABELS, SORT_LABELS, type Listing } from './listing';
import type { ViewMode } from './use-view-mode';

interface Props {
  listing: Listing;
  onChange: (next: Listing) => void;
  view: ViewMode;
  onView: (view: ViewMode) => void;
}

const options = <K extends string>(labels: Record<K, string>) =>
  (Object.entries(labels) as [K, string][]).map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));

/**
 * The library's order, filters and view. The filters sit in a disclosure that says how many are
 * on, so a phone's toolbar stays one line; each field is labelled for screen readers.
 */
export function ListingControls({ listing, onChange, view, onView }: Props) {
  const set = <K extends keyof Listing>(key: K, value: Listing[K]) => onChange({ ...listing, [key]: value });
  const on = activeFilters(listing);
  return (
    <div class="listing-controls">
      <div class="listing-bar">
        <label class="listing-sort">
          <span>Sort</span>
          <select data-testid="listing-sort" value={listing.sort} onChange={(e) => set('sort', e.currentTarget.value as Listing['sort'])}>
            {options(SORT_LABELS)}
          </select>
        </label>
        <div class="view-toggle" role="group" aria-label="View">
          {(['grid', 'list'] as const).map((mode) => (
            <button type="button" data-testid={`view-${mode}`} aria-pressed={view === mode} class={view === mode ? 'active' : ''} onClick={() => onView(mode)}>
              {mode === 'grid' ? 'Grid' : 'List'}
            </button>
          ))}
        </div>
      </div>
      <details class="listing-filters">
        <summary data-testid="listing-filters">Filters{on > 0 ? ` · ${on} on` : ''}</summary>
        <div class="filter-fields">
          <label>
            <span>Format</span>
            <select data-testid="filter-format" value={listing.format} onChange={(e) => set('format', e.currentTarget.value as Listing['format'])}>
              <option value="">Any</option>
              {options(FORMAT_LABELS)}
            </select>
          </label>
          <label>
            <span>Orientation</span>
            <select data-testid="filter-orientation" value={listing.orientation} onChange={(e) => set('orientation', e.currentTarget.value as Listing['orientation'])}>
              <option value="">Any</option>
              {options(ORIENTATION_LABELS)}
            </select>
          </label>
          <label>
            <span>Min. width (px)</span>
            <input
              data-testid="filter-min-width"
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              placeholder="Any"
              value={listing.minWidth}
              onInput={(e) => set('minWidth', e.currentTarget.value)}
            />
          </label>
          <label>
            <span>Uploaded from</span>
            <input data-testid="filter-from" type="date" max={listing.to || undefined} value={listing.from} onInput={(e) => set('from', e.currentTarget.value)} />
          </label>
          <label>
            <span>Uploaded to</span>
            <input data-testid="filter-to" type="date" min={listing.from || undefined} value={listing.to} onInput={(e) => set('to', e.currentTarget.value)} />
          </label>
          <label>
            <span>Tag</span>
            <input data-testid="filter-tag" type="text" placeholder="Any" value={listing.tag} onInput={(e) => set('tag', e.currentTarget.value)} />
          </label>
          <button type="button" class="clear-filters" disabled={on === 0} onClick={() => onChange({ ...DEFAULT_LISTING, sort: listing.sort })}>
            Clear filters
          </button>
        </div>
      </details>
    </div>
  );
}
