import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { messageOf, type PresetView } from './api';

/**
 * The widths typed as "320, 640, 960": null when the field is empty (a preset without widths).
 * Anything numeric goes to the server, whose 400 names the rule; only what is not a number at
 * all is refused here, since JSON would send it as null.
 */
export function parseWidths(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return null;
  return parts.map((part) => {
    const width = Number(part.replace(/px$|w$/i, ''));
    if (!Number.isFinite(width)) throw new Error(`Widths: "${part}" is not a number (write them as 320, 640, 960)`);
    return width;
  });
}

/** The formats an eager preset may be computed in, in the order the form offers them. */
const EAGER_FORMATS = ['avif', 'webp', 'jpeg', 'png'] as const;
type EagerFormat = (typeof EAGER_FORMATS)[number];

/** What the form sends: the preset's fields as the API takes them (no format ticked: null, the transform's own). */
export interface PresetDraft {
  name: string;
  params: string;
  widths: number[] | null;
  eager: boolean;
  formats: EagerFormat[] | null;
}

const DEFAULT_PARAMS = 'w_400,h_300,c_cover,f_webp,q_80';

/**
 * The new-preset form, or the edit form of `editing`: the same fields either way. Editing, it
 * takes the focus as it opens and Cancel or Escape closes it; the server's refusal stays on it
 * until the next try. `onParams` follows the transform as typed, for the preview.
 */
export function PresetForm(props: {
  editing: PresetView | null;
  onSubmit: (draft: PresetDraft) => Promise<void>;
  onCancel: () => void;
  onParams: (params: string) => void;
  onWidths: (widths: string) => void;
}) {
  const { editing } = props;
  const [name, setName] = useState(editing?.name ?? '');
  const [params, setParams] = useState(editing?.params ?? DEFAULT_PARAMS);
  const [widths, setWidths] = useState(editing?.widths?.join(', ') ?? '');
  const [eager, setEager] = useState(editing?.eager ?? false);
  // An edited preset's formats are shown as resolved: saving them keeps them as they are.
  const [formats, setFormats] = useState<EagerFormat[]>(editing?.eager ? (editing.formats.filter((f) => (EAGER_FORMATS as readonly string[]).includes(f)) as EagerFormat[]) : []);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const paramsInput = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => {
    props.onParams(params);
    props.onWidths(widths);
    if (editing) paramsInput.current?.focus();
  }, []);

  const changeParams = (value: string) => {
    setParams(value);
    props.onParams(value);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit({ name, params, widths: parseWidths(widths), eager, formats: formats.length > 0 ? formats : null });
      setError('');
      if (!editing) {
        setName('');
        setWidths('');
        props.onWidths('');
        setEager(false);
        setFormats([]);
      }
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };

  const id = editing ? 'preset-edit' : 'preset-new';
  return (
    <form
      onSubmit={submit}
      aria-labelledby={`${id}-heading`}
      data-testid={editing ? 'preset-edit-form' : 'preset-new-form'}
      onKeyDown={(e) => {
        if (editing && e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <h2 id={`${id}-heading`}>{editing ? <>Edit preset <code>{editing.name}</code></> : 'New preset'}</h2>
      <label>
        Name
        <input data-testid="preset-name" placeholder="thumb" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
      </label>
      {editing && name !== editing.name && (
        <p class="warning field-help" data-testid="preset-rename-warning">
          Renaming changes its URLs: those under “{editing.name}” will answer 404.
        </p>
      )}
      <label>
        Transform
        <input ref={paramsInput} data-testid="preset-params" value={params} onInput={(e) => changeParams(e.currentTarget.value)} required />
      </label>
      <label>
        <span>
          Widths <span class="muted">(optional)</span>
        </span>
        <input
          data-testid="preset-widths"
          inputMode="numeric"
          placeholder="320, 640, 960, 1280"
          aria-describedby={`${id}-widths-help`}
          value={widths}
          onInput={(e) => {
            setWidths(e.currentTarget.value);
            props.onWidths(e.currentTarget.value);
          }}
        />
      </label>
      <p id={`${id}-widths-help`} class="muted field-help">
        Makes a width-set preset: its URLs may ask for any of these widths without a signature, for a srcset and the image panel's Embed tab.
      </p>
      <label class="check">
        <input type="checkbox" data-testid="preset-eager" checked={eager} onChange={(e) => setEager(e.currentTarget.checked)} aria-describedby={`${id}-eager-help`} />
        Eager
      </label>
      <p id={`${id}-eager-help`} class="muted field-help">
        Computes its variants (each width × each format) in the background on upload and replace, so their first request is a cache hit.
        {editing && ' Saving a change to them queues them again for every image.'}
      </p>
      <fieldset class="formats">
        <legend>
          Formats <span class="muted">(none ticked: the transform's own)</span>
        </legend>
        {EAGER_FORMATS.map((format) => (
          <label class="check">
            <input
              type="checkbox"
              data-testid={`preset-format-${format}`}
              checked={formats.includes(format)}
              onChange={(e) => setFormats(e.currentTarget.checked ? EAGER_FORMATS.filter((f) => f === format || formats.includes(f)) : formats.filter((f) => f !== format))}
            />
            {format.toUpperCase()}
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="error" role="alert" data-testid="preset-form-error">
          {error}
        </p>
      )}
      {editing ? (
        <div class="row">
          <button class="primary" data-testid="preset-save" disabled={busy}>
            Save changes
          </button>
          <button type="button" data-testid="preset-cancel" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      ) : (
        <button class="primary" data-testid="preset-create" disabled={busy}>
          Create preset
        </button>
      )}
    </form>
  );
}
