import { Elysia, t } from 'elysia';
import type { AppContext } from '../../context';
import { callerAuth } from '../auth';
import { presentPreset } from '../present';

export const presetRoutes = (ctx: AppContext) =>
  new Elysia({ prefix: '/presets' })
    .use(callerAuth(ctx))
    .get('', async ({ clientId }) => ({ items: (await ctx.presets.list(clientId)).map(presentPreset) }))
    .post(
      '',
      async ({ clientId, body, set }) => {
        const preset = await ctx.presets.create(clientId, body.name, body.params);
        set.status = 201;
        return presentPreset(preset);
      },
      { body: t.Object({ name: t.String(), params: t.String() }) },
    )
    .delete('/:id', async ({ clientId, params, set }) => {
      await ctx.presets.delete(clientId, params.id);
      set.status = 204;
    });
