import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { downloadZip, messageOf } from './api';
import type { useBulkRunner } from './bulk-actions';
import type { ImageSelection } from './use-selection';
import { useCanChange } from './me';

type Form = 'none' | 'move' | 'tag' | 'untag';

interface Props {
  selection: ImageSelection;
  /** The ids of the page shown, in order. */
  pageIds: string[];
  /** Every folder path, for Move. */
  folders: string[];
  runner: ReturnType<typeof useBulkRunner>;
  /** Asks (the confirm dialog), then deletes. */
  onDelete: (ids: string[]) => void;
}

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');

/**
 * What to do with the images chosen: move (folder picker), tag or untag, download as a ZIP,
 * delete, or let go of them; the outcome is announced under it.
 */
export function BulkToolbar({ selection, pageIds, folders, runner, onDelete }: Props) {
  const [form, setForm] = useState<Form>('none');
  const canChange = useCanChange();
  const [folder, setFolder] = useState('');
  const [tags, setTags] = useState('');
  const opener = useRef<HTMLButtonElement | null>(null);
  const field = useRef<HTMLSelectElement & HTMLInputElement>(null);
  const count = selection.size;
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selection.has(id));

  // In the render that opens the form: typing right after the click lands in the field, not on the button.
  useLayoutEffect(() => {
    if (form !== 'none') field.current?.focus();
  }, [form]);
  useEffect(() => {
    if (count === 0) setForm('none');
  }, [count]);

  const open = (next: Form) => (event: Event) => {
    opener.current = event.currentTarget as HTMLButtonElement;
    setForm(form === next ? 'none' : next);
  };
  const close = () => {
    setForm('none');
    requestAnimationFrame(() => opener.current?.isConnected && opener.current.focus());
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    const ids = selection.ids;
    if (form === 'move') await runner.run(ids, { action: 'move', folder });
    else if (form === 'tag' || form === 'untag') {
      const list = tagsOf(tags);
      if (list.length === 0) return runner.report('Type one or more tags, separated by commas', true);
      await runner.run(ids, { action: form, tags: list });
      setTags('');
    }
    close();
  };
  const zip = async () => {
    const ids = selection.ids;
    try {
      await downloadZip(ids);
      runner.report(`Downloading ${ids.length} original${ids.length === 1 ? '' : 's'} as images.zip`);
    } catch (error) {
      runner.report(messageOf(error), true);
    }
  };

  // The outcome stays announced (and shown) when the page is left empty: after deleting all of it, say.
  return (
    // With a selection the toolbar sticks under the header: chosen far down the grid, its actions stay in sight.
    <div class={count > 0 ? 'bulk has-selection' : 'bulk'}>
      {(pageIds.length > 0 || count > 0) && (
        <div class="bulk-bar" role="group" aria-label="Selected images">
          {count > 0 && <span class="bulk-count">{count} selected</span>}
          <button type="button" disabled={allOnPage} onClick={() => selection.add(pageIds)}>
            Select all on page
          </button>
          {count > 0 && (
            <>
              {canChange && (
                <>
                  <button type="button" aria-expanded={form === 'move'} disabled={runner.busy} onClick={open('move')}>
                    Move…
                  </button>
                  <button type="button" aria-expanded={form === 'tag'} disabled={runner.busy} onClick={open('tag')}>
                    Tag…
                  </button>
                  <button type="button" aria-expanded={form === 'untag'} disabled={runner.busy} onClick={open('untag')}>
                    Untag…
                  </button>
                </>
              )}
              <button type="button" onClick={zip}>
                Download ZIP
              </button>
              {canChange && (
                <button type="button" class="danger" disabled={runner.busy} onClick={() => onDelete(selection.ids)}>
                  Delete
                </button>
              )}
              <button type="button" onClick={selection.clear}>
                Clear selection
              </button>
            </>
          )}
        </div>
      )}
      {form !== 'none' && (
        <form class="bulk-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), close())}>
          {form === 'move' ? (
            <label>
              Move {count} image{count === 1 ? '' : 's'} to
              <select ref={field} value={folder} onChange={(e) => setFolder(e.currentTarget.value)}>
                <option value="">/ (root)</option>
                {folders.map((path) => (
                  <option value={path}>{path}</option>
                ))}
              </select>
            </label>
          ) : (
            <label>
              {form === 'tag' ? 'Tags to add' : 'Tags to remove'} (comma-separated)
              <input ref={field} type="text" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
            </label>
          )}
          <button type="submit" class="primary" disabled={runner.busy}>
            {form === 'move' ? 'Move' : form === 'tag' ? 'Add tags' : 'Remove tags'}
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </form>
      )}
      <p role="status" class={`bulk-status ${runner.status?.error ? 'error' : ''}`}>
        {runner.status?.text}
      </p>
    </div>
  );
}
