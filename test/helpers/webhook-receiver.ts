import { Webhook } from 'standardwebhooks';
import { freePort } from './ports';

export interface ReceivedEvent {
  id: string;
  timestamp: number;
  body: string;
  json: { type: string; timestamp: string; data: any };
  at: number;
}

/**
 * Verification by the Standard Webhooks reference implementation (the `standardwebhooks`
 * package from standard-webhooks/standard-webhooks), not by anything of the server's: it
 * checks the `whsec_` secret, the signed `${id}.${timestamp}.${body}`, any of the
 * space-separated `v1,<base64>` signatures and the timestamp tolerance (5 minutes).
 */
export function verifyStandardWebhook(secret: string, headers: Headers, body: string): { id: string; timestamp: number } {
  new Webhook(secret).verify(body, Object.fromEntries(headers.entries()));
  return { id: headers.get('webhook-id')!, timestamp: Number(headers.get('webhook-timestamp')) };
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
  let delayMs = 0;
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
    /** Each answer comes this much later (a slow endpoint). */
    set delay(ms: number) {
      delayMs = ms;
    },
    up() {
      server ??= Bun.serve({
        port,
        hostname: '127.0.0.1',
        fetch: async (request) => {
          const body = await request.text();
          const at = Date.now();
          if (delayMs > 0) await Bun.sleep(delayMs);
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
