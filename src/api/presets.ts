import { t, type Static } from 'elysia';
import { presetFormats } from '../core/eager-variants';
import { notFound } from '../core/errors';
import type { EagerJobState, PresetRecord } from '../core/ports';
import { OUTPUT_FORMATS } from '../core/transform/types';
import { Integer } from './integer';
import { PRESET_WIDTHS } from '../core/preset-widths';
import { describeTransformGrammar } from '../core/transform/describe';
import type { ApiServices, Caller } from './services';
import { auditRecorder } from './audit';

const EAGER_DOC = 'Its variants (every width × every format) are computed in the background on upload and replace, so their first request is a cache hit.';
const FORMATS_DOC = `Output formats its eager and warmed variants are computed in (${OUTPUT_FORMATS.join(', ')}). Default: the preset's own (its f, else webp). A preset with a concrete f may list only that one; with f_auto each is the format a browser accepting it gets.`;
// Written out: TypeBox infers the literal union only from a tuple (OUTPUT_FORMATS lists the same).
const OutputFormatSchema = t.Union([t.Literal('webp'), t.Literal('jpeg'), t.Literal('png'), t.Literal('avif'), t.Literal('gif')]);
const WIDTHS_DOC = `A width-set preset's widths: 1–${PRESET_WIDTHS.maxCount} integers from ${PRESET_WIDTHS.min} to ${PRESET_WIDTHS.max}. Its URLs may then carry w_<N> for one of them, unsigned.`;

export const PresetView = t.Object(
  {
    id: t.String(),
    name: t.String(),
    params: t.String({ description: 'The transform, canonical' }),
    widths: t.Union([t.Array(t.Integer()), t.Null()], { description: `${WIDTHS_DOC} Ascending; null for a preset without.` }),
    eager: t.Boolean({ description: EAGER_DOC }),
    formats: t.Array(OutputFormatSchema, { description: `${FORMATS_DOC} Always the resolved list.` }),
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
  eager: t.Optional(t.Boolean({ description: `${EAGER_DOC} Default false.` })),
  // Checked by the core, like widths: an unknown format or one a fixed f cannot deliver is a 400 with the rule.
  formats: t.Optional(t.Union([t.Array(t.String(), { maxItems: 20 }), t.Null()], { description: FORMATS_DOC })),
});
export type CreatePresetBody = Static<typeof CreatePresetBody>;
export const UpdatePresetBody = t.Object(
  {
    name: t.Optional(t.String({ description: 'A new name: the URLs under the old one answer 404 from then on' })),
    params: t.Optional(t.String({ description: "The new transform, stored canonical: the preset's URLs deliver it at once" })),
    widths: CreatePresetBody.properties.widths,
    eager: t.Optional(t.Boolean({ description: EAGER_DOC })),
    formats: CreatePresetBody.properties.formats,
  },
  // At least one field: a body that is no object at all reaches the schema as {} and must not pass as a no-op.
  { minProperties: 1, description: 'Only what is given changes (at least one field); widths: null makes it a preset without widths, formats: null its own format again.' },
);
export type UpdatePresetBody = Static<typeof UpdatePresetBody>;

export const WarmBody = t.Object({
  folder: t.Optional(t.String({ description: 'Only images in this folder and below; absent: every image of the client' })),
});
export const WarmProgress = t.Object(
  {
    images: t.Optional(Integer({ description: 'Images whose variants were queued (POST only)' })),
    variants: t.Optional(Integer({ description: 'Variants queued (POST only)' })),
    since: t.Optional(
      t.String({ format: 'date-time', description: 'When this warm queued its variants (POST only): GET with ?since= counts those only' }),
    ),
    pending: Integer({ description: "The preset's variants queued or being computed" }),
    ready: Integer({ description: 'Computed' }),
    failed: Integer({ description: 'Recorded as failed (not retried)' }),
  },
  { title: 'WarmProgress' },
);
export type WarmProgress = Static<typeof WarmProgress>;

export const presentPreset = (p: PresetRecord): PresetView => ({
  id: p.id,
  name: p.name,
  params: p.params,
  widths: p.widths,
  eager: p.eager,
  formats: presetFormats(p),
  createdAt: p.createdAt,
});

export function presetsApi(services: ApiServices) {
  const { presets, eager } = services;
  const audit = auditRecorder(services.audit);
  const target = (p: PresetRecord) => ({ id: p.id, name: p.name });
  const presetById = async (caller: Caller, id: string) => {
    const preset = (await presets.list(caller.clientId)).find((p) => p.id === id);
    if (!preset) throw notFound('Preset');
    return preset;
  };
  const progressOf = (counts: Record<EagerJobState, number>) => ({ pending: counts.pending + counts.running, ready: counts.done, failed: counts.failed });
  return {
    list: async (caller: Caller) => ({ items: (await presets.list(caller.clientId)).map(presentPreset) }),
    async create(caller: Caller, input: CreatePresetBody) {
      const preset = await presets.create(caller.clientId, input.name, input.params, input.widths, { eager: input.eager, formats: input.formats });
      await audit(caller, 'preset.create', target(preset));
      return presentPreset(preset);
    },
    async update(caller: Caller, id: string, input: UpdatePresetBody) {
      const preset = await presets.update(caller.clientId, id, input);
      await audit(caller, 'preset.update', target(preset));
      return presentPreset(preset);
    },
    async delete(caller: Caller, id: string) {
      const preset = await presetById(caller, id);
      await presets.delete(caller.clientId, id);
      await audit(caller, 'preset.delete', target(preset));
    },
    /** `preset warm`: queues the preset's variants of existing images; the counts so far come back. */
    async warm(caller: Caller, id: string, input: { folder?: string }): Promise<WarmProgress> {
      const preset = await presetById(caller, id);
      const queued = await eager.warm(caller.clientId, preset, input.folder);
      await audit(caller, 'preset.warm', target(preset));
      return { ...queued, ...progressOf(await eager.progress(preset.id, queued.since)) };
    },
    /** The preset's whole queue, or with `since` (a warm's) only what that warm queued. */
    warmProgress: async (caller: Caller, id: string, since?: string): Promise<WarmProgress> =>
      progressOf(await eager.progress((await presetById(caller, id)).id, since)),
  };
}
