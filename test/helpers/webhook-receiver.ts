import { createHmac, timingSafeEqual } from 'node:crypto';
import { freePort } from './ports';

export interface ReceivedEvent {
  id: string;
  timestamp: number;
  body: string;
  json: { type: string; timestamp: string; data: any };
  at: number;
}

/**
 * The Standard Webhooks reference verification, written from the specification and not from
 * the server's code: the secret is base64 after `whsec_`; the signed content is
 * `${id}.${timestamp}.${body}`; the header holds space-separated `v1,<base64>` signatures, any
 * of which may match; the timestamp must be within the tolerance of now.
 */
export function verifyStandardWebhook(secret: string, headers: Headers, body: string, toleranceSeconds = 300): { id: string; timestamp: number } {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signatures = headers.get('webhook-signature');
  if (!id || !timestamp || !signatures) throw new Error('missing webhook headers');
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) throw new Error('bad timestamp');
  if (Math.abs(Date.now() / 1000 - seconds) > toleranceSeconds) throw new Error('timestamp outside tolerance');
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const ok = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new Error('signature does not match');
  return { id, timestamp: seconds };
}

/**
 * A webhook receiver on a fixed loopback port that can go down (nothing listens) and come back.
 * It verifies every request and keeps each event once by webhook-id; `answer` sets the status.
 */
export async function startReceiver(options: { secret?: () => string | undefined; up?: boolean } = {}) {
  const port = await freePort();
  const events = new Map<string, ReceivedEvent>();
  const requests: { id: string | null; at: number; verified: boolean; host: string | null }[] = [];
  let status = 200;
  let server: ReturnType<typeof Bun.serve> | null = null;
  const receiver = {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    events,
    requests,
    secret: undefined as string | undefined,
    set answer(value: number) {
      status = value;
    },
    up() {
      server ??= Bun.serve({
        port,
        hostname: '127.0.0.1',
        fetch: async (request) => {
          const body = await request.text();
          const at = Date.now();
          let verified = false;
          try {
            const secret = options.secret?.() ?? receiver.secret;
            if (!secret) throw new Error('no secret');
            const { id, timestamp } = verifyStandardWebhook(secret, request.headers, body);
            verified = true;
            if (status >= 200 && status < 300 && !events.has(id)) events.set(id, { id, timestamp, body, json: JSON.parse(body), at });
          } catch {
            // Counted below as unverified.
          }
          requests.push({ id: request.headers.get('webhook-id'), at, verified, host: request.headers.get('host') });
          return new Response(verified ? 'ok' : 'bad signature', { status: verified ? status : 401 });
        },
      });
    },
    async down() {
      await server?.stop(true);
      server = null;
    },
    /** Waits until `count` distinct events arrived (or fails after `ms`). */
    async waitFor(count: number, ms = 15_000): Promise<ReceivedEvent[]> {
      const deadline = Date.now() + ms;
      while (events.size < count) {
        if (Date.now() > deadline) throw new Error(`only ${events.size} of ${count} events arrived: ${[...events.values()].map((e) => e.json.type).join(', ')}`);
        await Bun.sleep(25);
      }
      return [...events.values()];
    },
  };
  if (options.up !== false) receiver.up();
  return receiver;
}
