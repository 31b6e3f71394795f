import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { CreatePresetBody, PresetList, PresetView, UpdatePresetBody, WarmBody, WarmProgress } from '../../api/presets';
import { callerAuth, type AuthDeps } from '../auth';
import { optionalJsonBody } from '../optional-json-body';

const tags = ['presets'];

export const presetRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/presets' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.presets.list(caller), {
      response: { 200: PresetList, ...apiErrors() },
      detail: { tags, operationId: 'listPresets', summary: 'List presets' },
    })
    .post('', async ({ caller, body, status }) => status(201, await api.presets.create(caller, body)), {
      ...knownFields(CreatePresetBody),
      body: CreatePresetBody,
      response: { 201: PresetView, ...apiErrors(409) },
      detail: { tags, operationId: 'createPreset', summary: 'Create a preset', description: 'A named transform; its URLs need no signature. Params are stored canonical. With widths, its URLs may carry w_<N> for one of them.' },
    })
    .patch('/:id', ({ caller, params, body }) => api.presets.update(caller, params.id, body), {
      params: t.Object({ id: t.String({ description: 'Preset id' }) }),
      ...knownFields(UpdatePresetBody),
      body: UpdatePresetBody,
      response: { 200: PresetView, ...apiErrors(404, 409) },
      detail: {
        tags,
        operationId: 'updatePreset',
        summary: 'Edit a preset',
        description:
          "Changes its params, widths, eager, formats or name, checked as on creation. Its URLs deliver the new transform at once on every node; purge targets get preset.updated (the old name's URLs) when what it delivers changed; an eager preset's variants are queued again when they changed.",
      },
    })
    .post('/:id/warm', ({ caller, params, body }) => api.presets.warm(caller, params.id, body ?? {}), {
      params: t.Object({ id: t.String({ description: 'Preset id' }) }),
      ...knownFields(WarmBody),
      parse: optionalJsonBody,
      body: t.Optional(WarmBody),
      response: { 200: WarmProgress, ...apiErrors(404) },
      detail: {
        tags,
        operationId: 'warmPreset',
        summary: "Queue a preset's variants of existing images",
        description: 'Adds every width × format of the preset for each image (in folder and below) to the eager queue, computed in the background; poll GET for progress.',
      },
    })
    .get('/:id/warm', ({ caller, params, query }) => api.presets.warmProgress(caller, params.id, query.since), {
      params: t.Object({ id: t.String({ description: 'Preset id' }) }),
      query: t.Object({ since: t.Optional(t.String({ format: 'date-time', description: "A warm's `since`: count only the variants it queued" })) }),
      response: { 200: WarmProgress, ...apiErrors(404) },
      detail: { tags, operationId: 'presetWarmProgress', summary: "A preset's queued, computed and failed variants" },
    })
    .delete(
      '/:id',
      async ({ caller, params, status }) => {
        await api.presets.delete(caller, params.id);
        return status(204, undefined);
      },
      {
        params: t.Object({ id: t.String({ description: 'Preset id' }) }),
        response: { 204: t.Void({ description: 'Deleted; its URLs answer 404 from now on' }), ...apiErrors(404) },
        detail: { tags, operationId: 'deletePreset', summary: 'Delete a preset' },
      },
    );
