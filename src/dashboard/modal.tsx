import { render, type ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

interface ModalProps {
  /** Ids of the title and of the description inside the content. */
  labelledBy: string;
  describedBy?: string;
  testId: string;
  class?: string;
  onDismiss: () => void;
  children: ComponentChildren;
}

/**
 * A native modal <dialog>: the rest of the page is inert, Escape or a click on the backdrop
 * dismisses it, and Tab cycles through its own controls (a modal dialog would otherwise let Tab
 * leave for the browser's toolbar). The control marked `data-autofocus` gets the focus, else the first.
 */
function Modal({ labelledBy, describedBy, testId, class: className, onDismiss, children }: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const element = dialog.current!;
    element.showModal();
    (element.querySelector<HTMLElement>('[data-autofocus]') ?? element.querySelector<HTMLElement>(FOCUSABLE))?.focus();
  }, []);
  const keepTabInside = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const controls = [...dialog.current!.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const at = controls.indexOf(document.activeElement as HTMLElement);
    const next = at === -1 ? 0 : (at + (e.shiftKey ? -1 : 1) + controls.length) % controls.length;
    e.preventDefault();
    controls[next]?.focus();
  };
  return (
    <dialog
      ref={dialog}
      class={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onDismiss();
      }}
      // A click on the backdrop lands on the dialog element itself, outside its content.
      onClick={(e) => e.target === dialog.current && onDismiss()}
      onKeyDown={keepTabInside}
    >
      <div class="modal-body">{children}</div>
    </dialog>
  );
}

/**
 * Shows a modal until `content` calls its `close` with an answer (or the user dismisses it:
 * `dismissed` is the answer then). The focus goes back to the element that had it, if that is
 * still on the page. Works from anywhere: the dialog gets its own root at the end of <body>.
 */
export function openModal<T>(options: Omit<ModalProps, 'onDismiss' | 'children'>, dismissed: T, content: (close: (answer: T) => void) => ComponentChildren): Promise<T> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const host = document.createElement('div');
  document.body.append(host);
  return new Promise((resolve) => {
    let closed = false;
    const close = (answer: T) => {
      if (closed) return;
      closed = true;
      render(null, host);
      host.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    };
    render(
      <Modal {...options} onDismiss={() => close(dismissed)}>
        {content(close)}
      </Modal>,
      host,
    );
  });
}
