import { t, type Static } from 'elysia';
import type { PresetRecord } from '../core/ports';
import { describeTransformGrammar } from '../core/transform/describe';
import type { ApiServices, Caller } from './services';

export const PresetView = t.Object(
  { id: t.String(), name: t.String(), params: t.String({ description: 'The transform, canonical' }), createdAt: t.String({ format: 'date-time' }) },
  { title: 'Preset' },
);
export type PresetView = Static<typeof PresetView>;
export const PresetList = t.Object({ items: t.Array(PresetView) }, { title: 'PresetList' });
export const CreatePresetBody = t.Object({
  name: t.String({ description: '[a-z0-9][a-z0-9_-]{0,63}' }),
  params: t.String({ description: `The preset's transform, stored in canonical form. ${describeTransformGrammar()}` }),
});

export const presentPreset = (p: PresetRecord): PresetView => ({ id: p.id, name: p.name, params: p.params, createdAt: p.createdAt });

export function presetsApi(services: ApiServices) {
  const { presets } = services;
  return {
    list: async (caller: Caller) => ({ items: (await presets.list(caller.clientId)).map(presentPreset) }),
    create: async (caller: Caller, name: string, params: string) => presentPreset(await presets.create(caller.clientId, name, params)),
    delete: (caller: Caller, id: string) => presets.delete(caller.clientId, id),
  };
}
