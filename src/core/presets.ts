import { noChangeOutbox, type ChangeSubscriber } from './outbox/change-events';
import type { ChangeFeed } from './change-feed';
import { invalid, notFound } from './errors';
import { presetFormats, validateEagerFormats } from './eager-variants';
import { newId } from './ids';
import { validatePresetName } from './names';
import type { PresetRecord, Repositories } from './ports';
import { validatePresetWidths } from './preset-widths';
import { canonicalTransform, parseTransform } from './transform/parse';

/** What a preset is made of, as given: checked together (widths and formats depend on the transform). */
export interface PresetInput {
  name: string;
  params: string;
  widths?: readonly number[] | null;
  eager: boolean;
  formats?: readonly unknown[] | null;
}

/** A change to a preset: what is absent stays; null clears widths, or resets formats to the preset's own. */
export type PresetPatch = Partial<PresetInput>;

function validPreset(input: PresetInput): Pick<PresetRecord, 'name' | 'params' | 'widths' | 'eager' | 'formats'> {
  const transform = parseTransform(input.params);
  // Preset URLs are unsigned: an expiry in one could simply be left out of the URL.
  if (transform.exp !== undefined) throw invalid('A preset cannot carry exp_ (its URLs are unsigned): sign an expiring URL instead');
  return {
    name: validatePresetName(input.name),
    params: canonicalTransform(transform),
    widths: input.widths == null ? null : validatePresetWidths(input.widths, transform),
    eager: input.eager,
    formats: validateEagerFormats(input.formats, transform),
  };
}

/** Whether two versions of a preset compute the same variants ahead (eager jobs and warms name each by URL). */
const sameVariants = (a: PresetRecord, b: PresetRecord) =>
  a.name === b.name && a.params === b.params && a.eager === b.eager && String(a.widths) === String(b.widths) && String(presetFormats(a)) === String(presetFormats(b));

export function createPresetService(deps: {
  repos: Pick<Repositories, 'presets'>;
  feed: ChangeFeed;
  now: () => string;
  /** Outbox rows (webhooks, purges) each change writes in its own transaction. */
  outbox?: ChangeSubscriber;
  /** Queues an eager preset's variants of every image again (an edit changed them). */
  warm?: (clientId: string, preset: PresetRecord) => Promise<unknown>;
}) {
  const { repos, now, feed } = deps;
  const outbox = deps.outbox ?? noChangeOutbox;
  return {
    /** `widths` makes it a width-set preset (see `preset-widths.ts`). */
    /** `eager` computes its variants (`formats`, see `eager-variants.ts`) on upload and replace. */
    async create(
      clientId: string,
      name: string,
      params: string,
      widths?: readonly number[] | null,
      options: { eager?: boolean; formats?: readonly unknown[] | null } = {},
    ): Promise<PresetRecord> {
      const preset: PresetRecord = { id: newId(), clientId, ...validPreset({ name, params, widths, eager: options.eager === true, formats: options.formats }), createdAt: now() };
      await repos.presets.insert(preset, outbox({ type: 'preset.created', clientId, at: preset.createdAt, preset }));
      await feed.publish({ kind: 'preset', clientId, name: preset.name });
      return preset;
    },

    list: (clientId: string) => repos.presets.list(clientId),

    async getByName(clientId: string, name: string): Promise<PresetRecord> {
      const preset = await repos.presets.getByName(clientId, name);
      if (!preset) throw notFound('Preset');
      return preset;
    },

    /**
     * Edits a preset in place. Its URLs deliver the new transform at once on every node (the
     * change feed drops the cached preset; variants are keyed by the resolved plan, so none of
     * the old params is served), the CDN is purged (`preset.updated`), and when the variants it
     * computes ahead changed, its eager jobs are replaced: dropped with the edit, queued again
     * after it for an eager preset.
     */
    async update(clientId: string, id: string, patch: PresetPatch): Promise<PresetRecord> {
      const previous = (await repos.presets.list(clientId)).find((p) => p.id === id);
      if (!previous) throw notFound('Preset');
      const preset: PresetRecord = {
        ...previous,
        ...validPreset({
          name: patch.name ?? previous.name,
          params: patch.params ?? previous.params,
          widths: patch.widths === undefined ? previous.widths : patch.widths,
          eager: patch.eager ?? previous.eager,
          formats: patch.formats === undefined ? previous.formats : patch.formats,
        }),
      };
      const variantsChanged = !sameVariants(previous, preset);
      if (!variantsChanged && String(previous.formats) === String(preset.formats)) return previous;
      const event = outbox({ type: 'preset.updated', clientId, at: now(), preset, previous });
      if (!(await repos.presets.update(preset, event, { dropJobs: variantsChanged }))) throw notFound('Preset');
      await feed.publish({ kind: 'preset', clientId, name: previous.name });
      if (preset.name !== previous.name) await feed.publish({ kind: 'preset', clientId, name: preset.name });
      if (variantsChanged && preset.eager) await deps.warm?.(clientId, preset);
      return preset;
    },

    async delete(clientId: string, id: string): Promise<void> {
      const preset = (await repos.presets.list(clientId)).find((p) => p.id === id);
      if (!preset || !(await repos.presets.delete(clientId, id, outbox({ type: 'preset.deleted', clientId, at: now(), preset })))) {
        throw notFound('Preset');
      }
      await feed.publish({ kind: 'preset', clientId, name: preset.name });
    },
  };
}

export type PresetService = ReturnType<typeof createPresetService>;
