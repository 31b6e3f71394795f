import { useEffect } from 'preact/hooks';
import { openModal } from './modal';

/** What the shortcuts help lists: the shell's own keys and the grid's. */
const SHORTCUTS: [keys: string[], action: string][] = [
  [['/'], 'Search images'],
  [['u'], 'Upload images'],
  [['←', '→', '↑', '↓'], 'Move between images in the grid'],
  [['Home', 'End'], 'First or last image in the grid'],
  [['Delete'], 'Delete the focused image, or the selection (asks first)'],
  [['Esc'], 'Close the open panel or dialog'],
  [['?'], 'Show these shortcuts'],
];

export const showShortcuts = () =>
  openModal({ labelledBy: 'shortcuts-title', testId: 'shortcuts-dialog', class: 'shortcuts-dialog' }, undefined, (close) => (
    <>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl class="shortcut-list">
        {SHORTCUTS.map(([keys, action]) => (
          <div>
            <dt>
              {keys.map((key) => (
                <kbd>{key}</kbd>
              ))}
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
      <div class="modal-actions">
        <button type="button" class="primary" onClick={() => close(undefined)} data-autofocus>
          Close
        </button>
      </div>
    </>
  ));

/** Keys that type text there: a shortcut must not steal them. Buttons, checkboxes and the like do not. */
const TEXT_ENTRY = 'textarea, select, [contenteditable]:not([contenteditable="false"]), input:not([type=checkbox], [type=radio], [type=button], [type=submit], [type=reset], [type=range], [type=file], [type=color])';

/**
 * Single-key shortcuts for the whole dashboard (`actions` keyed by `KeyboardEvent.key`), ignored
 * while the user types in a field, holds a modifier, or has a dialog open.
 */
export function useShortcuts(actions: Record<string, () => void>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (e.target instanceof Element && e.target.closest(TEXT_ENTRY)) return;
      if (document.querySelector('dialog[open]')) return;
      const action = actions[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

/**
 * Runs `use` on the library's control named by `testId`, switching to the Images tab first if
 * it is not on the page (the library then renders within a few frames).
 */
export function onLibraryControl(testId: string, use: (control: HTMLElement) => void): void {
  const find = () => document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const present = find();
  if (present) return use(present);
  location.hash = '#/images';
  // A slow machine may take seconds to show the library; past 15 s the key press is forgotten.
  const deadline = performance.now() + 15_000;
  const wait = () => {
    const control = find();
    if (control) use(control);
    else if (performance.now() < deadline) requestAnimationFrame(wait);
  };
  requestAnimationFrame(wait);
}
