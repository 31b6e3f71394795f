import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { AuditPage, AuditQuery, type AuditReader } from '../../api/audit';
import { apiErrors } from '../../api/errors';
import { notFound } from '../../core/errors';
import { reaches } from '../../core/roles';
import { authenticate, type AuthDeps } from '../auth';

/**
 * Who reads the audit log and what they see: an API key its own client's entries; an owner's or
 * admin's session every client's and the installation-wide ones (users); a member's or viewer's
 * session the clients granted. A session reads across the clients it reaches (the dashboard's
 * page filters with `clientId`); an X-Imgapi-Client sent all the same must name a client the
 * caller reaches, or it is a 404 as on every per-client route, never quietly ignored.
 */
const auditReader = (deps: AuthDeps) =>
  new Elysia().resolve({ as: 'scoped' }, async ({ headers, request, server }): Promise<{ reader: AuditReader }> => {
    const who = await authenticate(deps, request, server?.requestIP(request)?.address ?? null);
    const named = headers['x-imgapi-client'];
    if (named) {
      if (who.key ? named !== who.key.clientId : !reaches(who.session, named)) throw notFound('Client');
      if (who.session) await deps.accounts.getClient(named);
    }
    return { reader: { visibleClients: who.key ? [who.key.clientId] : who.session.clientIds } };
  });

export const auditRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/audit' })
    .use(auditReader(auth))
    .get('', ({ reader, query }) => api.audit.list(reader, query), {
      query: AuditQuery,
      response: { 200: AuditPage, ...apiErrors(404) },
      detail: {
        tags: ['audit'],
        operationId: 'listAudit',
        summary: 'The audit log',
        description:
          'Every management change (uploads, replaces, updates, deletes, folders, presets, keys, secret rotations, webhooks, purge targets, clients, users, quotas), newest first, kept IMGAPI_AUDIT_DAYS (90). ' +
          "An API key reads its own client's entries (another clientId: 404); an owner's or admin's session every client's and the installation-wide ones (users); a member's or viewer's session the clients granted. Never holds a secret.",
        security: [{ apiKey: [] }, { session: [] }],
      },
    });
