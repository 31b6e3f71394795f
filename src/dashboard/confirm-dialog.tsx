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

/**
 * Asks a question in a modal dialog, the dashboard's own `window.confirm`: resolves true when
 * the user confirms, false on Cancel, Escape or a click outside. The focus then goes back to the
 * element that asked.
 */
export function confirmDialog({ title, message, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false }: ConfirmOptions): Promise<boolean> {
  return openModal({ labelledBy: 'confirm-title', describedBy: 'confirm-message', testId: 'confirm-dialog', class: 'confirm-dialog' }, false, (close) => (
    <>
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-message">{message}</p>
      <div class="modal-actions">
        <button type="button" onClick={() => close(false)} data-testid="confirm-cancel" data-autofocus={danger || undefined}>
          {cancelLabel}
        </button>
        <button type="button" class={danger ? 'danger-solid' : 'primary'} onClick={() => close(true)} data-testid="confirm-accept" data-autofocus={!danger || undefined}>
          {confirmLabel}
        </button>
      </div>
    </>
  ));
}
