import { outboundPost } from '../outbound/outbound-post';
import { OUTBOUND_TIMEOUT_MS, resolveTarget, type Lookup, type OutboundPolicy } from '../outbound/ssrf-guard';
import { bunnyPurge } from './bunny';
import { cloudflarePurge } from './cloudflare';
import { fastlyPurge } from './fastly';
import { httpHookPurge } from './http-hook';
import type { PurgeMessage, PurgeRequest, PurgeScope, PurgeTargetConfig } from './types';

/** The requests that purge `scope` at one target, in order; none when the target has nothing to purge by. */
export function purgeRequests(target: PurgeTargetConfig, scope: PurgeScope, message: PurgeMessage): PurgeRequest[] {
  switch (target.kind) {
    case 'cloudflare':
      return cloudflarePurge(target, scope);
    case 'fastly':
      return fastlyPurge(target, scope);
    case 'bunny':
      return bunnyPurge(target, scope);
    case 'http':
      return httpHookPurge(target, scope, message);
  }
}

/** What sends one request: through the outbound guard in production (`guardedSender`), plain `fetch` in unit tests. */
export type PurgeSender = (request: PurgeRequest) => Promise<{ status: number; body: string }>;

export class PurgeFailed extends Error {
  constructor(readonly status: number | null, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PurgeFailed';
  }
}

/** Sends every request; the first that fails (not 2xx, or no answer) throws, so the whole purge is retried (purges are idempotent). */
export async function sendPurge(requests: readonly PurgeRequest[], send: PurgeSender): Promise<{ status: number }[]> {
  const results: { status: number }[] = [];
  for (const request of requests) {
    let answer: { status: number; body: string };
    try {
      answer = await send(request);
    } catch (error) {
      // The cause is kept: a target the SSRF guard refuses (forbidden_target) is given up, not retried.
      throw new PurgeFailed(null, `${request.method} ${new URL(request.url).origin}: ${(error as Error).message}`, { cause: error });
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new PurgeFailed(answer.status, `${request.method} ${new URL(request.url).origin} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    results.push({ status: answer.status });
  }
  return results;
}

/** A sender over `fetch`: no redirects, a time limit, at most 1 KB of the answer kept. */
export function fetchSender(fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): PurgeSender {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text()).slice(0, 1024);
    return { status: response.status, body };
  };
}

/**
 * The production sender: the request's host resolved once through the SSRF guard (a private
 * address refused unless the policy allows it) and the POST made to that address, no
 * redirects followed, 10 s for the lookup and the POST together, at most 1 KB of the answer
 * kept (`outboundPost`).
 */
export function guardedSender(policy: OutboundPolicy, options: { lookup?: Lookup; post?: typeof outboundPost } = {}): PurgeSender {
  const post = options.post ?? outboundPost;
  return async (request) => {
    const started = Date.now();
    const target = await resolveTarget(request.url, policy, options.lookup, OUTBOUND_TIMEOUT_MS);
    const timeoutMs = Math.max(1, OUTBOUND_TIMEOUT_MS - (Date.now() - started));
    const answer = await post({ target, headers: request.headers, body: request.body, userAgent: 'imgapi-purge', timeoutMs });
    if (answer.status === null) throw new Error(answer.error ?? 'no answer');
    return { status: answer.status, body: answer.body };
  };
}
