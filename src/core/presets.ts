import type { ChangeFeed } from './change-feed';
import { notFound } from './errors';
import { newId } from './ids';
import { validatePresetName } from './names';
import type { PresetRecord, Repositories } from './ports';
import { validatePresetWidths } from './preset-widths';
import { canonicalTransform, parseTransform } from './transform/parse';

export function createPresetService(deps: { repos: Pick<Repositories, 'presets'>; feed: ChangeFeed; now: () => string }) {
  const { repos, now, feed } = deps;
  return {
    /** `widths` makes it a width-set preset (see `preset-widths.ts`). */
    async create(clientId: string, name: string, params: string, widths?: readonly number[] | null): Promise<PresetRecord> {
      const transform = parseTransform(params);
      const preset: PresetRecord = {
        id: newId(),
        clientId,
        name: validatePresetName(name),
        params: canonicalTransform(transform),
        widths: widths == null ? null : validatePresetWidths(widths, transform),
        createdAt: now(),
      };
      await repos.presets.insert(preset);
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
      if (!preset || !(await repos.presets.delete(clientId, id))) throw notFound('Preset');
      await feed.publish({ kind: 'preset', clientId, name: preset.name });
    },
  };
}

export type PresetService = ReturnType<typeof createPresetService>;
