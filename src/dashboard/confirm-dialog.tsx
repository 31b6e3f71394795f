import type { ComponentChildren } from 'preact';
import { openModal } from './modal';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** The confirming button's text, e.g. "Delete" (default "OK"). */
  confirmLabel?: string;
  cancelLabel?: string;
  /** A destructive action: the confirming button is red and Cancel has the focus, so Enter does no harm. */
  danger?: boolean;
}

/** The dialog's question and its two buttons; `accept` is what confirming answers. */
function confirmBody<T>({ title, message, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false }: ConfirmOptions, close: (answer: T) => void, cancel: T, accept: () => T, extra?: ComponentChildren) {
  return (
    <>
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-message">{message}</p>
      {extra}
      <div class="modal-actions">
        <button type="button" onClick={() => close(cancel)} data-testid="confirm-cancel" data-autofocus={danger || undefined}>
          {cancelLabel}
        </button>
        <button type="button" class={danger ? 'danger-solid' : 'primary'} onClick={() => close(accept())} data-testid="confirm-accept" data-autofocus={!danger || undefined}>
          {confirmLabel}
        </button>
      </div>
    </>
  );
}

const DIALOG = { labelledBy: 'confirm-title', describedBy: 'confirm-message', testId: 'confirm-dialog', class: 'confirm-dialog' };

/**
 * Asks a question in a modal dialog, the dashboard's own `window.confirm`: resolves true when
 * the user confirms, false on Cancel, Escape or a click outside. The focus then goes back to the
 * element that asked.
 */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return openModal(DIALOG, false, (close) => confirmBody(options, close, false, () => true));
}

/**
 * The same question with one optional extra (a checkbox, off until ticked): null when
 * cancelled, else whether the extra was chosen.
 */
export function confirmWithChoice(options: ConfirmOptions & { choice: string }): Promise<{ chosen: boolean } | null> {
  let chosen = false;
  const box = (
    <label class="check confirm-choice">
      <input type="checkbox" data-testid="confirm-choice" onChange={(e) => (chosen = e.currentTarget.checked)} />
      <span>{options.choice}</span>
    </label>
  );
  return openModal<{ chosen: boolean } | null>(DIALOG, null, (close) => confirmBody(options, close, null, () => ({ chosen }), box));
}
