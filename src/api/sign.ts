import { t, type Static } from 'elysia';
import { describeTransformGrammar } from '../core/transform/describe';
import type { ApiServices, Caller } from './services';

export const SignBody = t.Object({
  imageId: t.String({ maxLength: 64 }),
  transform: t.Optional(t.String({ description: `${describeTransformGrammar()}\n\nAbsent: the full size image as WebP.` })),
  preset: t.Optional(t.String({ maxLength: 64, description: 'A preset name instead of a transform' })),
});
export type SignBody = Static<typeof SignBody>;

export const SignedUrl = t.Object(
  {
    url: t.String({ description: 'Absolute delivery URL, ending in ?v=<version>' }),
    canonical: t.String({ description: 'The transform in canonical form' }),
    format: t.String({ description: 'Output format, or auto' }),
  },
  { title: 'SignedUrl' },
);
export type SignedUrl = Static<typeof SignedUrl>;

export function signApi(services: ApiServices) {
  return {
    async sign(caller: Caller, input: SignBody): Promise<SignedUrl> {
      const { path, canonical, format } = await services.urls.sign(caller.clientId, input);
      return { url: caller.base + path, canonical, format };
    },
  };
}
