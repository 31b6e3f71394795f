import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { RotatedSecret, RotateSecretBody } from '../../api/signing-secret';
import { callerAuth, type AuthDeps } from '../auth';

export const signingSecretRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/signing-secret' }).use(callerAuth(auth)).post('/rotate', ({ caller, body }) => api.signingSecret.rotate(caller, body), {
    body: RotateSecretBody,
    response: { 200: RotatedSecret, ...apiErrors(404) },
    detail: {
      tags: ['delivery'],
      operationId: 'rotateSigningSecret',
      summary: "Rotate the client's URL-signing secret",
      description:
        'A new secret at once (/sign uses it from now on), returned this once. URLs signed with the previous secret keep verifying until previousValidUntil, then answer 403; /metrics counts them in imgapi_signature_previous_secret_total. Rotating again within a grace period ends the older secret at once.',
    },
  });
