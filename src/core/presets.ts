import { noChangeOutbox, type ChangeSubscriber } from './outbox/change-events';
import type { ChangeFeed } from './change-feed';
import { invalid, notFound } from './errors';
import { validateEagerFormats } from './eager-variants';
import { newId } from './ids';
import { validatePresetName } from './names';
import type { PresetRecord, Repositories } from './ports';
import { validatePresetWidths } from './preset-widths';
import { canonicalTransform, parseTransform } from './transform/parse';

export function createPresetService(deps: {
  repos: Pick<Repositories, 'presets'>;
  feed: ChangeFeed;
  now: () => string;
  /** Outbox rows (webhooks, purges) each change writes in its own transaction. */
  outbox?: ChangeSubscriber;
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
      const transform = parseTransform(params);
      // Preset URLs are unsigned: an expiry in one could simply be left out of the URL.
      if (transform.exp !== undefined) throw invalid('A preset cannot carry exp_ (its URLs are unsigned): sign an expiring URL instead');
      const preset: PresetRecord = {
        id: newId(),
        clientId,
        name: validatePresetName(name),
        params: canonicalTransform(transform),
        widths: widths == null ? null : validatePresetWidths(widths, transform),
        eager: options.eager === true,
        formats: validateEagerFormats(options.formats, transform),
        createdAt: now(),
      };
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
