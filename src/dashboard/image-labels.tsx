import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_ALT_LENGTH, MAX_TAGS, normalizeTag, TAG_SEPARATORS, type ImageMeta, type MetaValue } from '../core/image-labels';
import { call, messageOf, param, v1, type ImageView } from './api';

/** A metadata row as edited: its value as text, and the stored value it came from (kept while the text is unchanged). */
interface MetaRow {
  id: number;
  key: string;
  text: string;
  stored?: MetaValue;
}

let nextRow = 0;
const textOf = (value: MetaValue) => (value === null ? 'null' : String(value));
const rowsOf = (meta: ImageMeta): MetaRow[] => Object.entries(meta).map(([key, value]) => ({ id: nextRow++, key, text: textOf(value), stored: value }));

/**
 * The metadata the rows say. A value typed in is a string; one left as it was keeps its stored
 * type (a number stays a number). Throws for a value without a key or a key given twice.
 */
function metaOf(rows: readonly MetaRow[]): ImageMeta {
  const meta: ImageMeta = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.text === '') continue;
    if (key === '') throw new Error(`The value "${row.text}" needs a key`);
    if (Object.hasOwn(meta, key)) throw new Error(`The key "${key}" is there twice`);
    meta[key] = row.stored !== undefined && row.text === textOf(row.stored) ? row.stored : row.text;
  }
  return meta;
}

/**
 * Tags (chips; Enter or a comma adds what was typed, each chip's button removes it), alt text
 * and custom key/value metadata of one image, saved together with one PATCH. Tags are
 * normalized here as the server does, so a chip shows the tag as it will be stored.
 */
export function ImageLabels(props: { image: ImageView; onSaved: (image: ImageView) => void }) {
  const { image, onSaved } = props;
  const [tags, setTags] = useState(image.tags);
  const [typed, setTyped] = useState('');
  const [alt, setAlt] = useState(image.alt);
  const [rows, setRows] = useState(() => rowsOf(image.meta));
  const focusRow = useRef<number | null>(null);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const [saving, setSaving] = useState(false);
  const tagInput = useRef<HTMLInputElement>(null);

  const showStored = (stored: ImageView) => {
    setTags(stored.tags);
    setAlt(stored.alt);
    setRows(rowsOf(stored.meta));
    setTyped('');
  };
  // Another image, or this one changed elsewhere (a bulk tag): show what is stored.
  useEffect(() => showStored(image), [image.id, image.updatedAt]);

  /** `current` with the tags in `text` added; shows why a tag was refused. */
  const withTyped = (current: string[], text: string): string[] => {
    const next = [...current];
    for (const part of text.split(TAG_SEPARATORS)) {
      if (part.trim() === '') continue;
      try {
        const tag = normalizeTag(part);
        if (next.includes(tag)) continue;
        if (next.length >= MAX_TAGS) throw new Error(`An image has at most ${MAX_TAGS} tags`);
        next.push(tag);
      } catch (e) {
        setError(messageOf(e));
        return next;
      }
    }
    setError('');
    return next;
  };

  const addTyped = (text: string) => {
    setTags(withTyped(tags, text));
    setTyped('');
  };

  const removeTag = (tag: string) => {
    setTags(tags.filter((t) => t !== tag));
    setStatus(`Removed tag ${tag}; save to keep the change.`);
    tagInput.current?.focus();
  };

  const onTagKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
      e.preventDefault();
      addTyped(typed);
    } else if (e.key === 'Backspace' && typed === '' && tags.length > 0) {
      removeTag(tags[tags.length - 1]!);
    }
  };

  // A pasted "red, blue" becomes two chips; whatever follows the last separator stays typed.
  const onTagInput = (value: string) => {
    const parts = value.split(TAG_SEPARATORS);
    if (parts.length === 1) return setTyped(value);
    setTags(withTyped(tags, parts.slice(0, -1).join(',')));
    setTyped(parts[parts.length - 1]!);
  };

  const updateRow = (id: number, change: Partial<MetaRow>) => setRows((current) => current.map((row) => (row.id === id ? { ...row, ...change } : row)));

  const save = async (e: Event) => {
    e.preventDefault();
    setStatus('');
    let body: { tags: string[]; alt: string; meta: ImageMeta };
    try {
      // A tag typed but not yet added goes with the save.
      const allTags = typed.trim() === '' ? tags : withTyped(tags, typed);
      body = { tags: allTags, alt, meta: metaOf(rows) };
    } catch (failure) {
      return setError(messageOf(failure));
    }
    setSaving(true);
    try {
      const saved = await call(v1.images(param(image.id)).patch(body));
      // What was stored, in the same render as the word "saved" (the effect above would follow a frame later).
      showStored(saved);
      setError('');
      setStatus('Tags, alt text and metadata saved.');
      onSaved(saved);
    } catch (failure) {
      setError(`Not saved: ${messageOf(failure)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form class="labels" onSubmit={save} aria-labelledby="labels-heading" noValidate>
      <h3 id="labels-heading">Tags, alt text and metadata</h3>
      <div class="field">
        <label for="tag-input">Tags</label>
        <div class="tag-box" onClick={(e) => e.target === e.currentTarget && tagInput.current?.focus()}>
          {tags.length > 0 && (
            <ul class="tag-chips" aria-label="Tags" data-testid="image-tags">
              {tags.map((tag) => (
                <li class="tag-chip" key={tag}>
                  <span>{tag}</span>
                  <button type="button" class="chip-remove" aria-label={`Remove tag ${tag}`} onClick={() => removeTag(tag)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          <input
            id="tag-input"
            ref={tagInput}
            value={typed}
            placeholder={tags.length === 0 ? 'Add a tag' : 'Add another'}
            aria-describedby="tag-hint"
            autoComplete="off"
            onInput={(e) => onTagInput(e.currentTarget.value)}
            onKeyDown={onTagKey}
          />
        </div>
        <small id="tag-hint" class="hint">
          Enter or a comma adds a tag. Up to {MAX_TAGS}; stored in lower case.
        </small>
      </div>

      <div class="field">
        <label for="alt-input">Alt text</label>
        <textarea
          id="alt-input"
          rows={2}
          maxLength={MAX_ALT_LENGTH}
          value={alt}
          aria-describedby="alt-hint"
          onInput={(e) => setAlt(e.currentTarget.value)}
        />
        <small id="alt-hint" class="hint">
          What the image shows, for screen readers and the embed snippet. {alt.length}/{MAX_ALT_LENGTH}
        </small>
      </div>

      <fieldset class="meta-rows">
        <legend>Metadata</legend>
        {rows.length === 0 && <p class="hint">No custom fields.</p>}
        {rows.map((row, n) => {
          const label = row.key.trim() || `field ${n + 1}`;
          return (
            <div class="meta-row" key={row.id}>
              <input
                aria-label={`Key of field ${n + 1}`}
                placeholder="key"
                value={row.key}
                onInput={(e) => updateRow(row.id, { key: e.currentTarget.value })}
                ref={(input) => {
                  // A row just added takes the focus: typing goes on into its key.
                  if (input && focusRow.current === row.id) {
                    focusRow.current = null;
                    input.focus();
                  }
                }}
              />
              <input aria-label={`Value of ${label}`} placeholder="value" value={row.text} onInput={(e) => updateRow(row.id, { text: e.currentTarget.value })} />
              <button type="button" class="chip-remove" aria-label={`Remove ${label}`} onClick={() => setRows((current) => current.filter((r) => r.id !== row.id))}>
                ×
              </button>
            </div>
          );
        })}
        <button
          type="button"
          onClick={() => {
            const id = nextRow++;
            focusRow.current = id;
            setRows((current) => [...current, { id, key: '', text: '' }]);
          }}
        >
          + Field
        </button>
      </fieldset>

      <div class="row">
        <button class="primary" disabled={saving} aria-label="Save tags, alt text and metadata">
          {saving ? 'Saving…' : 'Save'}
        </button>
        <span role="status" class="hint">
          {status}
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
