import { render } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export interface ConfirmOptions {
  title: string;
  message: string;
  /** The confirming button's text, e.g. "Delete" (default "OK"). */
  confirmLabel?: string;
  cancelLabel?: string;
  /** A destructive action: the confirming button is red and Cancel has the focus, so Enter does no harm. */
  danger?: boolean;
}

function ConfirmDialog({ title, message, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false, onAnswer }: ConfirmOptions & { onAnswer: (ok: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const accept = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    // showModal makes the rest of the page inert (the focus stays inside) and Escape fires `cancel`.
    dialog.current!.showModal();
    (danger ? cancel : accept).current!.focus();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(false);
      }}
      // A click on the backdrop lands on the dialog element itself, outside its content.
      onClick={(e) => e.target === dialog.current && onAnswer(false)}
      onKeyDown={(e) => {
        // A modal dialog lets Tab leave for the browser's own toolbar; keep it between the two buttons.
        if (e.key !== 'Tab') return;
        e.preventDefault();
        (document.activeElement === cancel.current ? accept : cancel).current!.focus();
      }}
    >
      <div class="confirm-body">
        <h2 id="confirm-title">{title}</h2>
        <p id="confirm-message">{message}</p>
        <div class="confirm-actions">
          <button ref={cancel} type="button" onClick={() => onAnswer(false)} data-testid="confirm-cancel">
            {cancelLabel}
          </button>
          <button ref={accept} type="button" class={danger ? 'danger-solid' : 'primary'} onClick={() => onAnswer(true)} data-testid="confirm-accept">
            {confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}

/**
 * Asks a question in a modal dialog, the dashboard's own `window.confirm`: resolves true when
 * the user confirms, false on Cancel, Escape or a click outside. The focus goes back to the
 * element that had it (the button that asked) if that is still on the page.
 */
export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const host = document.createElement('div');
  document.body.append(host);
  return new Promise((resolve) => {
    let answered = false;
    const answer = (ok: boolean) => {
      if (answered) return;
      answered = true;
      render(null, host);
      host.remove();
      if (opener?.isConnected) opener.focus();
      resolve(ok);
    };
    render(<ConfirmDialog {...options} onAnswer={answer} />, host);
  });
}
