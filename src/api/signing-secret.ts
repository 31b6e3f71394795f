import { t, type Static } from 'elysia';
import { MAX_GRACE_SECONDS } from '../core/accounts';
import { notFound } from '../core/errors';
import type { ApiServices, Caller } from './services';
import { auditRecorder } from './audit';

export const RotateSecretBody = t.Object({
  graceSeconds: t.Number({
    description: `How long URLs signed with the current secret keep verifying: a whole number of seconds, 0 (not at all) to ${MAX_GRACE_SECONDS} (a year)`,
  }),
  clientId: t.Optional(t.String({ maxLength: 64, description: "The key's own client, to make sure of it (any other id: 404); the CLI sends it" })),
});
export type RotateSecretBody = Static<typeof RotateSecretBody>;

export const RotatedSecret = t.Object(
  {
    secret: t.String({ description: 'The new signing secret: shown this once (`imgapi client secret <id>` prints it on the server)' }),
    previousValidUntil: t.String({ format: 'date-time', description: 'Until when URLs signed with the previous secret still verify; then 403' }),
  },
  { title: 'RotatedSecret' },
);
export type RotatedSecret = Static<typeof RotatedSecret>;

export const SigningSecretView = t.Object(
  {
    secret: t.String({ description: 'The current signing secret (what `imgapi client secret <id>` prints)' }),
    previousValidUntil: t.Union([t.String({ format: 'date-time' }), t.Null()], {
      description: 'While a rotated secret still verifies: until when; else null',
    }),
  },
  { title: 'SigningSecret' },
);
export type SigningSecretView = Static<typeof SigningSecretView>;

/** The caller's URL-signing secret: rotated with a grace period for URLs already out there. */
export function signingSecretApi(services: Pick<ApiServices, 'accounts' | 'audit'>) {
  return {
    /** The secret the dashboard reveals on request, and the end of a rotation's grace if one is running. */
    async get(caller: Caller): Promise<SigningSecretView> {
      const client = await services.accounts.currentClient(caller.clientId);
      const previous = client.previousSecret && Date.parse(client.previousSecret.validUntil) > Date.now() ? client.previousSecret : null;
      return { secret: client.signingSecret, previousValidUntil: previous?.validUntil ?? null };
    },
    async rotate(caller: Caller, input: RotateSecretBody): Promise<RotatedSecret> {
      if (input.clientId !== undefined && input.clientId !== caller.clientId) throw notFound('Client');
      const rotated = await services.accounts.rotateSecret(caller.clientId, input.graceSeconds);
      // That it was rotated, never the secret.
      await auditRecorder(services.audit)(caller, 'secret.rotate', { id: caller.clientId, name: null });
      return rotated;
    },
  };
}
