import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { SignBody, SignedUrl } from '../../api/sign';
import { callerAuth, type AuthDeps } from '../auth';

export const signRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia().use(callerAuth(auth)).post('/sign', ({ caller, body }) => api.sign.sign(caller, body), {
    // A mistyped expiresIn would sign a URL that never expires, answered 200.
    ...knownFields(SignBody),
    body: SignBody,
    response: { 200: SignedUrl, ...apiErrors(404) },
    detail: {
      tags: ['delivery'],
      operationId: 'signUrl',
      summary: 'Sign a delivery URL',
      description: 'A signed URL for any transform, or the URL of a preset. No transform: full size WebP.',
    },
  });
