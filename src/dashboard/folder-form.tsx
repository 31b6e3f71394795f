import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api';

/**
 * The one-field form that names a new folder or renames one. It takes the focus when it opens
 * (so typing and Enter land in it, not on the button that opened it), and Cancel or Escape
 * close it; the caller then puts the focus back where it came from. Its error lives and dies
 * with it, so a failed attempt never shows up in the next form.
 */
export function FolderForm(props: { label: string; submitLabel: string; initial: string; onSubmit: (name: string) => Promise<void>; onClose: () => void }) {
  const { label, submitLabel, initial, onSubmit, onClose } = props;
  const [name, setName] = useState(initial);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // Before the next key event is handled, so that no key typed right after the click is lost.
  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await onSubmit(name);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <form
      class="folder-form"
      aria-label={label}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }}
    >
      <input
        ref={input}
        name="folder-name"
        placeholder={submitLabel === 'Create' ? 'Folder name' : 'New name'}
        aria-label="Folder name"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'folder-form-error' : undefined}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        required
      />
      <div class="row">
        <button class="primary" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="error" id="folder-form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
