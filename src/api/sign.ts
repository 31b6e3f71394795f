import { t, type Static } from 'elysia';
import { describeTransformGrammar } from '../core/transform/describe';
import { MAX_EXPIRES_IN } from '../core/url-signer';
import type { ApiServices, Caller } from './services';

export const SignBody = t.Object({
  imageId: t.String({ maxLength: 64 }),
  transform: t.Optional(t.String({ description: `${describeTransformGrammar()}\n\nAbsent: the full size image as WebP.` })),
  preset: t.Optional(t.String({ maxLength: 64, description: 'A preset name instead of a transform' })),
  widths: t.Optional(
    t.Array(t.Number(), {
      maxItems: 1000,
      description: 'With a transform: 1–20 widths (16–8192); the answer adds `srcset`, the transform signed at each width (w replaced, h in proportion)',
    }),
  ),
  expiresIn: t.Optional(
    t.Number({ description: `Seconds from now (a whole number, 1 to ${MAX_EXPIRES_IN}) until the URL answers 410 expired: adds \`exp_<unix seconds>\` to the signed transform. Not with a preset.` }),
  ),
  expiresAt: t.Optional(
    t.String({ maxLength: 64, description: 'Instead of expiresIn: an ISO 8601 time with a zone, in the future (within ten years). Both: 400.' }),
  ),
});
export type SignBody = Static<typeof SignBody>;

export const SignedUrl = t.Object(
  {
    url: t.String({ description: 'Absolute delivery URL, ending in ?v=<version>' }),
    canonical: t.String({ description: 'The transform in canonical form' }),
    format: t.String({ description: 'Output format, or auto' }),
    srcset: t.Optional(t.String({ description: 'With widths: "URL 320w, URL 640w", each URL signed' })),
    expiresAt: t.Optional(t.String({ format: 'date-time', description: 'When the URL stops working (its exp_), for an expiring URL' })),
  },
  { title: 'SignedUrl' },
);
export type SignedUrl = Static<typeof SignedUrl>;

export function signApi(services: ApiServices) {
  return {
    async sign(caller: Caller, input: SignBody): Promise<SignedUrl> {
      const { path, canonical, format, srcset, expiresAt } = await services.urls.sign(caller.clientId, input);
      const signed: SignedUrl = { url: caller.base + path, canonical, format };
      if (expiresAt !== undefined) signed.expiresAt = new Date(expiresAt * 1000).toISOString();
      if (srcset) signed.srcset = srcset.map((s) => `${caller.base}${s.path} ${s.width}w`).join(', ');
      return signed;
    },
  };
}
