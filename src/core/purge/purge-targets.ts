import { AppError, invalid, notFound } from '../errors';

const isForbidden = (error: unknown): boolean => error instanceof AppError && error.code === 'forbidden_target';
import { newId } from '../ids';
import { hasControlCharacter } from '../names';
import type { ChangeEvent, ChangeSubscriber } from '../outbox/change-events';
import { newMessageId } from '../outbox/change-events';
import type { OutboxSender } from '../outbox/dispatcher';
import type { ClaimedMessage, DeliveryAttempt, OutboxMessage, OutboxRepository } from '../outbox/ports';
import type { PresetRecord } from '../ports';
import { affectedScope, type PurgeCause } from './affected';
import type { PurgeTargetRecord, PurgeTargetRepository } from './ports';
import { splitScope } from './split';
import { PurgeFailed, purgeRequests, sendPurge, type PurgeSender } from './requests';
import type { PurgeScope, PurgeTargetConfig } from './types';

/** Outbox kinds: one row per change (fanned out when worked off), then one row per target. */
export const PURGE_CHANGE = 'purge';
export const PURGE_TARGET = 'purge.target';

export interface PurgeTargetDeps {
  repo: PurgeTargetRepository;
  presets: { list(clientId: string): Promise<PresetRecord[]> };
  outbox: Pick<OutboxRepository, 'enqueue' | 'logAttempt' | 'attempts'>;
  /** At registration: refuses a URL whose host resolves to a private address (400 forbidden_target) unless allowed. */
  checkTarget: (url: string) => Promise<void>;
  /** Sends one request (through the same guard: resolved once, no redirects, a time limit). */
  send: PurgeSender;
  /** The public origin delivery URLs start with (IMGAPI_PUBLIC_URL); null: purge by tag only. */
  publicBase: string | null;
  now: () => Date;
}

const text = (value: unknown, field: string, max = 500): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw invalid(`Expected a non-empty string of at most ${max} characters for ${field}`);
  // Tokens and ids go into request headers and URLs, where a CR or LF could never be sent:
  // such a target would fail every purge, retried for a day.
  if (hasControlCharacter(value.trim())) throw invalid(`${field} must not contain control characters (a line break, a tab)`);
  return value.trim();
};

function httpUrl(value: unknown, field: string): string {
  const raw = text(value, field, 2000);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`Expected an http(s) URL for ${field} but received "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`Expected an http(s) URL for ${field} but received "${raw}"`);
  if (url.username || url.password) throw invalid(`${field} must not carry credentials`);
  return raw;
}

const optional = <T>(value: unknown, parse: (v: unknown) => T): T | undefined => (value === undefined || value === null || value === '' ? undefined : parse(value));

/** A target's configuration from untyped input (API body, CLI flags), every field checked. */
export function parseTargetConfig(input: Record<string, unknown>): PurgeTargetConfig {
  const apiBase = optional(input.apiBase, (v) => httpUrl(v, 'apiBase'));
  switch (input.kind) {
    case 'cloudflare':
      return { kind: 'cloudflare', zoneId: text(input.zoneId, 'zoneId', 100), apiToken: text(input.apiToken, 'apiToken'), ...(apiBase && { apiBase }) };
    case 'fastly':
      return { kind: 'fastly', serviceId: text(input.serviceId, 'serviceId', 100), apiToken: text(input.apiToken, 'apiToken'), ...(apiBase && { apiBase }) };
    case 'bunny':
      return { kind: 'bunny', accessKey: text(input.accessKey, 'accessKey'), ...(apiBase && { apiBase }) };
    case 'http': {
      const secret = optional(input.secret, (v) => text(v, 'secret'));
      return { kind: 'http', url: httpUrl(input.url, 'url'), ...(secret && { secret }) };
    }
    default:
      throw invalid(`Expected cloudflare, fastly, bunny or http for kind but received ${JSON.stringify(input.kind)}`);
  }
}

/** The URL a target's requests go to (what the SSRF guard checks). */
export const targetUrl = (config: PurgeTargetConfig): string | null => (config.kind === 'http' ? config.url : config.apiBase ?? null);

/** The last characters of a token, so a user can tell targets apart; never the token. */
export function secretHint(secret: string | undefined): string | null {
  if (!secret) return null;
  return secret.length >= 12 ? `••••${secret.slice(-4)}` : '••••';
}

/** The image events that change what is delivered (a rename or move does not; a focal point does). */
function causeOf(event: ChangeEvent): PurgeCause | null {
  switch (event.type) {
    case 'image.replaced':
      return { event: 'image.replaced', images: [{ id: event.previous.id, version: event.previous.version }] };
    // A trashed image is gone from delivery at once: the CDN must forget it as for a delete.
    case 'image.deleted':
    case 'image.trashed':
      return { event: 'image.deleted', images: [{ id: event.image.id, version: event.image.version }] };
    case 'image.updated': {
      const [a, b] = [event.previous.focalPoint, event.image.focalPoint];
      return a?.x === b?.x && a?.y === b?.y ? null : { event: 'image.updated', images: [{ id: event.image.id, version: event.image.version }] };
    }
    case 'folder.deleted':
      return event.images.length === 0 ? null : { event: 'image.deleted', images: event.images.map((i) => ({ id: i.id, version: i.version })) };
    case 'preset.deleted':
      return { event: 'preset.deleted', preset: event.preset.name };
    // Its old URLs (under its old name, for a rename): formats and eager change what is computed ahead, not what is delivered.
    case 'preset.updated': {
      const [a, b] = [event.previous, event.preset];
      const same = a.name === b.name && a.params === b.params && String(a.widths) === String(b.widths);
      return same ? null : { event: 'preset.updated', preset: a.name };
    }
    default:
      return null;
  }
}

export function createPurgeTargetService(deps: PurgeTargetDeps) {
  const { repo } = deps;

  /** Each target's requests for one change, logged like a webhook delivery; a failure is retried by the outbox. */
  async function sendToTarget(message: ClaimedMessage) {
    const { targetId, scope } = message.payload as { targetId: string; scope: PurgeScope };
    const target = await repo.get(message.clientId, targetId);
    if (!target) return { ok: false as const, error: 'the purge target was deleted', drop: true };
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let forbidden = false;
    try {
      // The sender checks each request's address again, resolved once, as it connects.
      const requests = purgeRequests(target.config, scope, { id: message.id, timestamp: Math.floor(deps.now().getTime() / 1000) });
      const results = await sendPurge(requests, deps.send);
      status = results.at(-1)?.status ?? null;
    } catch (failure) {
      status = failure instanceof PurgeFailed ? failure.status : null;
      error = failure instanceof Error ? failure.message : String(failure);
      forbidden = isForbidden(failure instanceof PurgeFailed ? failure.cause : failure);
    }
    await deps.outbox.logAttempt({
      targetId,
      messageId: message.id,
      event: scope.event,
      attempt: message.attempt,
      ok: error === null,
      status,
      latencyMs: Math.round(performance.now() - started),
      error,
      at: deps.now().toISOString(),
    });
    // A target the SSRF guard refuses at send time (it resolves to a private address now) is given up, not retried.
    return error === null ? { ok: true as const } : { ok: false as const, error, drop: forbidden };
  }

  /**
   * A change's purge: what it made stale, as rows per target of the client, each bounded
   * (`splitScope`: a folder delete's thousands of URLs go in many rows, each sent well within
   * its lease). Ids derived, so a retried fan-out adds none twice.
   */
  async function fanOut(message: ClaimedMessage) {
    const targets = await repo.list(message.clientId);
    if (targets.length === 0) return { ok: true as const };
    const scope = affectedScope(message.clientId, message.payload as PurgeCause, await deps.presets.list(message.clientId), deps.publicBase);
    const rows: OutboxMessage[] = targets.flatMap((t) =>
      splitScope(t.config.kind, scope).map((part, i, parts) => ({
        id: parts.length === 1 ? `${message.id}.${t.id}` : `${message.id}.${t.id}.${i + 1}`,
        kind: PURGE_TARGET,
        clientId: message.clientId,
        payload: { targetId: t.id, scope: part },
      })),
    );
    await deps.outbox.enqueue(rows, deps.now().getTime());
    return { ok: true as const };
  }

  return {
    async create(clientId: string, input: Record<string, unknown>): Promise<PurgeTargetRecord> {
      const config = parseTargetConfig(input);
      const url = targetUrl(config);
      if (url) await deps.checkTarget(url);
      const record: PurgeTargetRecord = { id: newId(), clientId, config, createdAt: deps.now().toISOString() };
      await repo.insert(record);
      return record;
    },
    list: (clientId: string) => repo.list(clientId),
    /** One of the client's targets; another client's is not found. */
    async get(clientId: string, id: string): Promise<PurgeTargetRecord> {
      const target = await repo.get(clientId, id);
      if (!target) throw notFound('Purge target');
      return target;
    },
    async delete(clientId: string, id: string): Promise<void> {
      if (!(await repo.delete(clientId, id))) throw notFound('Purge target');
    },
    /** The target's last 100 purge attempts, newest first. */
    async attempts(clientId: string, id: string): Promise<DeliveryAttempt[]> {
      if (!(await repo.get(clientId, id))) throw notFound('Purge target');
      return deps.outbox.attempts(id, 100);
    },
    /** Turns a committed change into its purge row (written in the change's transaction). */
    subscriber: ((event) => {
      const cause = causeOf(event);
      return cause ? [{ id: newMessageId(), kind: PURGE_CHANGE, clientId: event.clientId, payload: cause }] : [];
    }) satisfies ChangeSubscriber,
    senders: { [PURGE_CHANGE]: fanOut, [PURGE_TARGET]: sendToTarget } satisfies Record<string, OutboxSender>,
  };
}

export type PurgeTargetService = ReturnType<typeof createPurgeTargetService>;
