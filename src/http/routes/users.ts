import { Elysia, t } from 'elysia';
import type { Actor, Api } from '../../api';
import { apiErrors } from '../../api/errors';
import {
  AcceptInviteBody,
  AcceptResetBody,
  ChangePasswordBody,
  CreatedInvite,
  GrantParams,
  InviteBody,
  OneTimeLink,
  UserList,
  UserParams,
  UserPatch,
  UserView,
  Welcomed,
  type UserManager,
} from '../../api/users';
import { knownFields } from '../../api/known-fields';
import type { LiveSession } from '../../core/sessions';
import { publicBase, sessionAuth, type AuthDeps } from '../auth';

const tags = ['users'];
const sessionOnly = [{ session: [] }];

/** The links a user follows: no session, rate limited per address; unknown tokens throttled as failed log-ins. */
const linkRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/users' })
    .onBeforeHandle(({ request, server }) => {
      auth.rateLimits.take(`ip:${server?.requestIP(request)?.address ?? 'unknown'}`);
    })
    .post('/invites/accept', async ({ body, status, request, server }) => status(201, await api.users.acceptInvite(body, { address: server?.requestIP(request)?.address ?? null })), {
      body: AcceptInviteBody,
      ...knownFields(AcceptInviteBody),
      response: { 201: Welcomed, ...apiErrors(404, 409, 410) },
      detail: {
        tags,
        operationId: 'acceptInvite',
        summary: 'Accept an invitation: choose a user name and password',
        description: 'The token of the one-time link. Used once: 404 unknown, 409 already used (or the user name is taken: the link stays usable), 410 expired. Unknown tokens count as failed log-ins of the address (429 after 5). Then log in.',
        security: [],
      },
    })
    .post('/password-reset/accept', ({ body, request, server }) => api.users.acceptReset(body, { address: server?.requestIP(request)?.address ?? null }), {
      body: AcceptResetBody,
      ...knownFields(AcceptResetBody),
      response: { 200: Welcomed, ...apiErrors(404, 409, 410) },
      detail: {
        tags,
        operationId: 'acceptPasswordReset',
        summary: 'Set a new password from a reset link',
        description: 'Used once: 404 unknown, 409 already used, 410 expired. Unknown tokens count as failed log-ins of the address (429 after 5). Every session of the user ends.',
        security: [],
      },
    });

/**
 * Users and their roles (owners only), and each user's own password. A dashboard session,
 * never an API key: keys act for a client, users are the installation's.
 */
export const userRoutes = (api: Api, auth: AuthDeps) => {
  // Who and from where as sessionAuth resolved them; the links start at the public base.
  const manager = (c: { session: LiveSession; actor: Actor; address: string | null; request: Request }): UserManager => ({
    actor: c.actor,
    address: c.address,
    base: publicBase(auth.publicUrl, c.request),
    session: c.session,
  });
  return new Elysia()
    .use(linkRoutes(api, auth))
    .group('/users', (group) =>
      group
        .use(sessionAuth(auth))
        .onAfterHandle(({ set }) => {
          // One-time links are in some answers: no browser or proxy may keep them.
          set.headers['cache-control'] = 'no-store';
        })
        .put(
          '/me/password',
          async ({ session, actor, address, request, body, status }) => {
            await api.users.changeOwnPassword(manager({ session, actor, address, request }), body);
            return status(204, undefined);
          },
          {
            body: ChangePasswordBody,
            ...knownFields(ChangePasswordBody),
            response: { 204: t.Void({ description: 'Changed; your other sessions ended' }), ...apiErrors(403) },
            detail: { tags, operationId: 'changeOwnPassword', summary: 'Change your own password', description: 'Any role. 403 when the current password is wrong; after 5 wrong ones, 429 for a while (as log-in).', security: sessionOnly },
          },
        )
        .get('', ({ session, actor, address, request }) => api.users.list(manager({ session, actor, address, request })), {
          response: { 200: UserList, ...apiErrors(403) },
          detail: { tags, operationId: 'listUsers', summary: 'List users and pending invitations', description: 'Owners only.', security: sessionOnly },
        })
        .post('/invites', async ({ session, actor, address, request, body, status }) => status(201, await api.users.invite(manager({ session, actor, address, request }), body)), {
          body: InviteBody,
            ...knownFields(InviteBody),
          response: { 201: CreatedInvite, ...apiErrors(403, 404) },
          detail: {
            tags,
            operationId: 'inviteUser',
            summary: 'Invite a user',
            description: `Owners only. Answers a one-time link (valid 7 days, shown this once) where the invitee chooses a user name and password. clientIds: for a member or viewer only (with owner or admin a 400); an unknown one is a 404.`,
            security: sessionOnly,
          },
        })
        .delete(
          '/invites/:id',
          async ({ session, actor, address, request, params, status }) => {
            await api.users.withdrawInvite(manager({ session, actor, address, request }), params.id);
            return status(204, undefined);
          },
          {
            params: UserParams,
            response: { 204: t.Void({ description: 'Withdrawn: its link no longer works' }), ...apiErrors(403, 404) },
            detail: { tags, operationId: 'withdrawInvite', summary: 'Withdraw a pending invitation', description: 'Owners only.', security: sessionOnly },
          },
        )
        .patch('/:id', ({ session, actor, address, request, params, body }) => api.users.change(manager({ session, actor, address, request }), params.id, body), {
          params: UserParams,
          body: UserPatch,
          ...knownFields(UserPatch),
          response: { 200: UserView, ...apiErrors(403, 404, 409) },
          detail: {
            tags,
            operationId: 'updateUser',
            summary: "Change a user's role, granted clients, or disable them",
            description:
              'Owners only. All checked before anything changes: an unknown client is a 404; leaving no enabled owner, or disabling yourself, a 409. Disabling ends every session of the user at once; a disabled user cannot log in. API keys the user made keep working (they belong to their client) unless `revokeKeys: true`, which revokes them all, on every client.',
            security: sessionOnly,
          },
        })
        .put('/:id/clients/:clientId', ({ session, actor, address, request, params }) => api.users.grant(manager({ session, actor, address, request }), params.id, params.clientId), {
          params: GrantParams,
          response: { 200: UserView, ...apiErrors(403, 404) },
          detail: { tags, operationId: 'grantClient', summary: 'Grant a client to a user', description: 'Owners only. Granting one already granted changes nothing.', security: sessionOnly },
        })
        .delete('/:id/clients/:clientId', ({ session, actor, address, request, params }) => api.users.revoke(manager({ session, actor, address, request }), params.id, params.clientId), {
          params: GrantParams,
          response: { 200: UserView, ...apiErrors(403, 404) },
          detail: { tags, operationId: 'revokeClient', summary: "Revoke a user's client", description: 'Owners only. From the next request on the client is unknown to them.', security: sessionOnly },
        })
        .post('/:id/password-reset', async ({ session, actor, address, request, params, status }) => status(201, await api.users.issueReset(manager({ session, actor, address, request }), params.id)), {
          params: UserParams,
          response: { 201: OneTimeLink, ...apiErrors(403, 404, 409) },
          detail: {
            tags,
            operationId: 'resetPassword',
            summary: 'A one-time password reset link for a user',
            description: 'Owners only. Valid 24 hours, shown this once; the user sets a new password there and every session of theirs ends. 409 for a disabled user.',
            security: sessionOnly,
          },
        }),
    );
};
