import { Elysia, t } from 'elysia';
import { signedDeliveryPath } from '../../core/delivery-path';
import { parseTransform, canonicalTransform } from '../../core/transform/parse';
import type { AppContext } from '../../context';
import { apiKeyAuth, publicBase } from '../auth';

export const signRoutes = (ctx: AppContext) =>
  new Elysia()
    .use(apiKeyAuth(ctx))
    .post(
      '/sign',
      async ({ clientId, body, request }) => {
        const transform = parseTransform(body.transform ?? '');
        await ctx.images.get(clientId, body.imageId);
        // Without a concrete format the URL ends in .webp: full size WebP, as the seed promises.
        const format = transform.f === undefined || transform.f === 'auto' ? 'webp' : transform.f;
        const client = await ctx.accounts.getClient(clientId);
        return {
          url: publicBase(ctx, request) + signedDeliveryPath(client, body.imageId, transform, format),
          canonical: canonicalTransform(transform),
          format: transform.f === 'auto' ? 'auto' : format,
        };
      },
      { body: t.Object({ imageId: t.String({ maxLength: 64 }), transform: t.Optional(t.String()) }) },
    );
