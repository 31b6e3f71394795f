import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Tab } from './route';

/** Room kept between the active tab and the row's edge, past the edge fade. */
const EDGE = 28;

/**
 * The page tabs. On a phone the row scrolls sideways: the active tab is brought into view when
 * the route changes (the row's own scroll only: neither the page nor focus moves), and an edge
 * fades where more tabs are off-screen, since the row shows no scrollbar.
 */
export function TabRow({ tabs, active }: { tabs: [Tab, string][]; active: Tab }) {
  const nav = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ before: false, after: false });

  const measure = () => {
    const row = nav.current;
    if (!row) return;
    const next = { before: row.scrollLeft > 1, after: row.scrollLeft + row.clientWidth < row.scrollWidth - 1 };
    setMore((now) => (now.before === next.before && now.after === next.after ? now : next));
  };

  useLayoutEffect(() => {
    const row = nav.current;
    const link = row?.querySelector<HTMLElement>('a[aria-current="page"]');
    if (row && link && row.scrollWidth > row.clientWidth) {
      const box = row.getBoundingClientRect();
      const tab = link.getBoundingClientRect();
      if (tab.left < box.left + EDGE) row.scrollLeft -= box.left + EDGE - tab.left;
      else if (tab.right > box.right - EDGE) row.scrollLeft += tab.right - (box.right - EDGE);
    }
    measure();
  }, [active, tabs.length]);

  useEffect(() => {
    const row = nav.current;
    if (!row) return;
    const observer = new ResizeObserver(measure);
    observer.observe(row);
    return () => observer.disconnect();
  }, []);

  return (
    <nav ref={nav} class="tabs" data-more-before={more.before || undefined} data-more-after={more.after || undefined} onScroll={measure}>
      {tabs.map(([id, label]) => (
        <a href={`#/${id}`} class={active === id ? 'active' : ''} aria-current={active === id ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}
