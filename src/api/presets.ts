import { t, type Static } from 'elysia';
import type { PresetRecord } from '../core/ports';
import { PRESET_WIDTHS } from '../core/preset-widths';
import { describeTransformGrammar } from '../core/transform/describe';
import type { ApiServices, Caller } from './services';

const WIDTHS_DOC = `A width-set preset's widths: 1–${PRESET_WIDTHS.maxCount} integers from ${PRESET_WIDTHS.min} to ${PRESET_WIDTHS.max}. Its URLs may then carry w_<N> for one of them, unsigned.`;

export const PresetView = t.Object(
  {
    id: t.String(),
    name: t.String(),
    params: t.String({ description: 'The transform, canonical' }),
    widths: t.Union([t.Array(t.Integer()), t.Null()], { description: `${WIDTHS_DOC} Ascending; null for a preset without.` }),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'Preset' },
);
export type PresetView = Static<typeof PresetView>;
export const PresetList = t.Object({ items: t.Array(PresetView) }, { title: 'PresetList' });
export const CreatePresetBody = t.Object({
  name: t.String({ description: '[a-z0-9][a-z0-9_-]{0,63}' }),
  params: t.String({ description: `The preset's transform, stored in canonical form. ${describeTransformGrammar()}` }),
  // Checked by the core (400 with the rule), so the CLI's local mode gets the same answer.
  widths: t.Optional(t.Union([t.Array(t.Number(), { maxItems: 1000 }), t.Null()], { description: WIDTHS_DOC })),
});
export type CreatePresetBody = Static<typeof CreatePresetBody>;

export const presentPreset = (p: PresetRecord): PresetView => ({ id: p.id, name: p.name, params: p.params, widths: p.widths, createdAt: p.createdAt });

export function presetsApi(services: ApiServices) {
  const { presets } = services;
  return {
    list: async (caller: Caller) => ({ items: (await presets.list(caller.clientId)).map(presentPreset) }),
    create: async (caller: Caller, input: CreatePresetBody) => presentPreset(await presets.create(caller.clientId, input.name, input.params, input.widths)),
    delete: (caller: Caller, id: string) => presets.delete(caller.clientId, id),
  };
}
