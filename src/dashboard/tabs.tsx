import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export interface TabSpec {
  id: string;
  label: string;
  content: ComponentChildren;
}

const MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * Tabs as the ARIA pattern has them: one tab stop (the selected tab), arrow keys, Home and
 * End move between tabs and select as they go; Tab goes on to the panel's first control (the
 * panels here all hold controls, so the panel itself is no tab stop). A tab's content is made
 * when first shown and then kept (hidden), so what was typed there survives a look at another tab.
 */
export function Tabs({ label, idPrefix, tabs }: { label: string; idPrefix: string; tabs: TabSpec[] }) {
  const [selected, setSelected] = useState(tabs[0]!.id);
  const [shown, setShown] = useState(() => new Set([selected]));
  const tabId = (id: string) => `${idPrefix}-tab-${id}`;
  const panelId = (id: string) => `${idPrefix}-panel-${id}`;

  const select = (id: string) => {
    setSelected(id);
    setShown((s) => (s.has(id) ? s : new Set([...s, id])));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const move = MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    const next = tabs[move(tabs.findIndex((t) => t.id === selected), tabs.length)]!.id;
    select(next);
    document.getElementById(tabId(next))?.focus();
  };

  return (
    <>
      <div role="tablist" aria-label={label} class="tablist" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            type="button"
            role="tab"
            id={tabId(t.id)}
            aria-selected={t.id === selected}
            aria-controls={panelId(t.id)}
            tabIndex={t.id === selected ? 0 : -1}
            onClick={() => select(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div role="tabpanel" id={panelId(t.id)} aria-labelledby={tabId(t.id)} hidden={t.id !== selected} class="tabpanel">
          {shown.has(t.id) && t.content}
        </div>
      ))}
    </>
  );
}
