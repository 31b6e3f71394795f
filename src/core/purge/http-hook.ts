import { createHmac } from 'node:crypto';
import type { PurgeMessage, PurgeRequest, PurgeScope } from './types';

/** The HMAC key of a hook's secret: a Standard Webhooks `whsec_` secret is base64, any other text is used as is. */
function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * A generic hook: `POST <url>` with the JSON `{ event, imageId, clientId, urls, tags }`. With a
 * secret it is signed as a webhook is (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`).
 */
export function httpHookPurge(target: { url: string; secret?: string }, scope: PurgeScope, message: PurgeMessage): PurgeRequest[] {
  const body = JSON.stringify({ event: scope.event, imageId: scope.imageId, clientId: scope.clientId, urls: scope.urls, tags: scope.tags });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.secret) {
    const signature = createHmac('sha256', secretKey(target.secret)).update(`${message.id}.${message.timestamp}.${body}`).digest('base64');
    Object.assign(headers, { 'webhook-id': message.id, 'webhook-timestamp': String(message.timestamp), 'webhook-signature': `v1,${signature}` });
  }
  return [{ method: 'POST', url: target.url, headers, body }];
}
