import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { RotatedSecret, RotateSecretBody, SigningSecretView } from '../../api/signing-secret';
import { callerAuth, type AuthDeps } from '../auth';

export const signingSecretRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/signing-secret' })
    .use(callerAuth(auth))
    // A secret in a response: no browser or proxy may keep it.
    .onAfterHandle(({ set }) => {
      set.headers['cache-control'] = 'no-store';
    })
    .get('', ({ caller }) => api.signingSecret.get(caller), {
      response: { 200: SigningSecretView, ...apiErrors() },
      detail: {
        tags: ['delivery'],
        operationId: 'getSigningSecret',
        summary: "The client's URL-signing secret",
        description: 'To sign URLs in your own backend (see the README, "Signing URLs in your own backend"), and for the dashboard\'s reveal. Never cached.',
      },
    })
    .post('/rotate', ({ caller, body }) => api.signingSecret.rotate(caller, body), {
      ...knownFields(RotateSecretBody),
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
