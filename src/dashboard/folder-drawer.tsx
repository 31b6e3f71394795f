import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * On a narrow screen the folder tree would stand above the grid and push it below the fold:
 * there it is a drawer behind a "Folders" button (a disclosure: aria-expanded, aria-controls).
 * Opening moves the focus to the tree; Escape, the close button, a tap beside it, focus leaving
 * it or picking a folder (a click, Enter or Space on a tree item) shut it, and the focus goes
 * back to the button; creating, renaming or deleting a folder leaves it open. Wide screens keep the sidebar: there the wrapper is `display: contents` and the
 * button and the drawer's own header are not shown (styles.css).
 */
export function FolderDrawer({ where, children }: { where: string; children: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLDivElement>(null);

  const close = (returnFocus = true) => {
    setOpen(false);
    if (returnFocus) button.current?.focus({ preventScroll: true });
  };

  // In the commit that opens it, not after the next paint: a key pressed at once must reach the tree.
  useLayoutEffect(() => {
    if (open) drawer.current?.querySelector<HTMLElement>('[role="treeitem"][tabindex="0"]')?.focus();
  }, [open]);

  // After the tree has handled it (the item's own handler picks the folder; an arrow's stops here).
  const picked = (e: Event) => open && !!(e.target as Element).closest('[role="treeitem"]');

  return (
    <>
      <div class="folder-drawer-bar">
        <button ref={button} type="button" aria-expanded={open} aria-controls="folder-drawer" data-testid="folders-button" onClick={() => (open ? close() : setOpen(true))}>
          <span aria-hidden="true">☰</span> Folders
        </button>
        <span class="muted folder-drawer-where" title={where}>
          {where}
        </span>
      </div>
      {open && <div class="drawer-backdrop" aria-hidden="true" onClick={() => close()} />}
      <div
        id="folder-drawer"
        ref={drawer}
        class={open ? 'folder-drawer open' : 'folder-drawer'}
        onClick={(e) => picked(e) && close()}
        onKeyDown={(e) => {
          if (open && e.key === 'Escape') {
            e.preventDefault();
            close();
          } else if ((e.key === 'Enter' || e.key === ' ') && picked(e)) close();
        }}
        onFocusOut={(e) => {
          // Tabbing out of an open drawer shuts it, leaving the focus where it went; a confirm
          // dialog opened from the tree is outside it too, but its question is the tree's.
          const to = e.relatedTarget as Node | null;
          if (open && to && !drawer.current?.contains(to) && !(to as Element).closest?.('dialog')) close(false);
        }}
      >
        {open && (
          <div class="drawer-head">
            <h2>Folders</h2>
            <button type="button" class="close" aria-label="Close folders" onClick={() => close()}>
              ✕
            </button>
          </div>
        )}
        {children}
      </div>
    </>
  );
}
