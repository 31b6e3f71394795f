import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { call, param, v1, type PresetView } from './api';
import { PresetForm, type PresetDraft } from './preset-form';
import { PresetPreview } from './preset-preview';
import { useCollection } from './use-collection';
import { WarmPreset } from './warm-preset';
import { useCanChange } from './me';

export { parseWidths } from './preset-form';

/** Only what the form changed goes in the PATCH: an unchanged name or widths stays as stored. */
function changes(preset: PresetView, draft: PresetDraft) {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return {
    ...(draft.name !== preset.name && { name: draft.name }),
    ...(draft.params !== preset.params && { params: draft.params }),
    ...(!same(draft.widths, preset.widths) && { widths: draft.widths }),
    ...(draft.eager !== preset.eager && { eager: draft.eager }),
    // No format ticked: the preset's own again (null); an eager preset's shown formats are its resolved ones.
    ...(!same(draft.formats ?? null, preset.eager ? preset.formats : null) && { formats: draft.formats }),
  };
}

export function PresetsPage() {
  const presets = useCollection<PresetView>({ list: () => call(v1.presets.get()), remove: (id) => call(v1.presets(param(id)).delete()) });
  const [editing, setEditing] = useState<PresetView | null>(null);
  const canChange = useCanChange();
  const [params, setParams] = useState('');
  const [widths, setWidths] = useState('');
  const editButtons = useRef(new Map<string, HTMLButtonElement>());
  const formCard = useRef<HTMLElement>(null);

  const create = async (draft: PresetDraft) => {
    await call(v1.presets.post({ name: draft.name, params: draft.params, ...(draft.widths && { widths: draft.widths }), ...(draft.eager && { eager: true }), ...(draft.formats && { formats: draft.formats }) }));
    await presets.reload();
  };

  const startEditing = (preset: PresetView) => {
    setEditing(preset);
    setWidths(preset.widths?.join(', ') ?? '');
    // On a phone the form is below the list: bring it into view.
    requestAnimationFrame(() => formCard.current?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  };
  // The focus goes back to the preset's Edit in the commit that removes the form, not a frame
  // later: until then it would sit on nothing, and a key pressed at once would be lost.
  const returnFocusTo = useRef<string | null>(null);
  useLayoutEffect(() => {
    if (editing || !returnFocusTo.current) return;
    editButtons.current.get(returnFocusTo.current)?.focus();
    returnFocusTo.current = null;
  }, [editing]);
  const stopEditing = (preset: PresetView) => {
    returnFocusTo.current = preset.id;
    setEditing(null);
  };
  const save = (preset: PresetView) => async (draft: PresetDraft) => {
    const patch = changes(preset, draft);
    if (Object.keys(patch).length > 0) await call(v1.presets(param(preset.id)).patch(patch));
    await presets.reload();
    stopEditing(preset);
  };

  const remove = (preset: PresetView) => presets.remove(preset, { title: 'Delete preset?', message: `Delete preset "${preset.name}"? Its URLs will answer 404.`, confirmLabel: 'Delete' });

  return (
    <div class="page two-columns">
      <section class="card" aria-labelledby="presets-heading">
        <h2 id="presets-heading">Presets</h2>
        <p class="muted">A preset is a named transform: anyone can build its URLs without a signature. Editing one changes what its URLs deliver at once.</p>
        {!presets.loaded ? (
          <p class="muted">Loading…</p>
        ) : presets.items.length === 0 ? (
          <p class="empty">No presets yet: create one with the form under “New preset”.</p>
        ) : (
          <table class="presets">
            <thead>
              <tr>
                <th>Name</th>
                <th>Transform</th>
                <th>Widths</th>
                <th>Eager</th>
                <th>
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {presets.items.map((p) => (
                <tr class={editing?.id === p.id ? 'editing' : ''}>
                  <td>
                    <code id={`preset-name-${p.id}`}>{p.name}</code>
                  </td>
                  <td>
                    {/* Breaks only after a comma, between two keys, never inside one (w_2|00). */}
                    <code class="transform-text">
                      {p.params.split(',').map((part, i) => (
                        <>
                          {i > 0 && ','}
                          {i > 0 && <wbr />}
                          {part}
                        </>
                      ))}
                    </code>
                  </td>
                  <td data-testid="preset-widths-cell">{p.widths ? p.widths.join(', ') : <span class="muted">—</span>}</td>
                  <td data-testid="preset-eager-cell">{p.eager ? p.formats.join(', ') : <span class="muted">—</span>}</td>
                  {/* A flex box inside the cell: a flex cell is no table cell, and its row's border broke. */}
                  <td>
                    <div class="preset-actions">
                    {canChange && p.eager && <WarmPreset preset={p} />}
                    {canChange && (
                    <>
                    <button
                      class="small"
                      data-testid="preset-edit"
                      // Described by its name, not labelled: the row's cells keep their own names.
                      aria-describedby={`preset-name-${p.id}`}
                      aria-expanded={editing?.id === p.id}
                      ref={(button) => {
                        if (button) editButtons.current.set(p.id, button);
                        else editButtons.current.delete(p.id);
                      }}
                      onClick={() => startEditing(p)}
                    >
                      Edit
                    </button>
                    <button class="danger small" onClick={() => remove(p)}>
                      Delete
                    </button>
                    </>
                    )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {presets.error && (
          <p class="error" role="alert">
            {presets.error}
          </p>
        )}
      </section>
      {canChange && (
      <section class="card" ref={formCard}>
        <PresetForm
          key={editing?.id ?? 'new'}
          editing={editing}
          onSubmit={editing ? save(editing) : create}
          onCancel={() => editing && stopEditing(editing)}
          onParams={setParams}
          onWidths={setWidths}
        />
        <h3>Preview</h3>
        <PresetPreview params={params} widths={widths} />
      </section>
      )}
    </div>
  );
}
