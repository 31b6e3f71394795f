import { routeHash, type Selection } from './route';

/** The folder shown and each folder above it, as links; the last is the current page. */
export function Breadcrumbs({ selected, onSelect }: { selected: Selection; onSelect: (s: Selection) => void }) {
  // Not "All images": the navigation's "Images" link must stay the only link of that name.
  const crumbs: { label: string; value: Selection }[] = [{ label: 'All folders', value: null }];
  if (selected === '') crumbs.push({ label: '/ (root)', value: '' });
  else if (selected) {
    const parts = selected.split('/');
    parts.forEach((name, i) => crumbs.push({ label: name, value: parts.slice(0, i + 1).join('/') }));
  }
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumb" data-testid="breadcrumbs">
      <ol>
        {crumbs.map((crumb, i) => {
          const current = i === crumbs.length - 1;
          return (
            <li key={crumb.value ?? 'all'}>
              <a
                href={routeHash({ tab: 'images', folder: crumb.value, page: 1, q: '' })}
                aria-current={current ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onSelect(crumb.value);
                }}
              >
                {crumb.label}
              </a>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
