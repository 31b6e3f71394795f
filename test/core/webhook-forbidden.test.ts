import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxDispatcher, newMessageId } from '../../src/core/outbox';
import { createWebhookService, WEBHOOK_EVENT } from '../../src/core/webhooks/webhooks';
import { openSqlite } from '../../src/db/sqlite';
import { createSqliteRepositories } from '../../src/db/sqlite-repositories';

test('an endpoint the SSRF guard refuses at send time (its name resolves to a private address now) is given up after one logged attempt, not retried', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-webhook-forbidden-'));
  const db = openSqlite(join(dir, 'imgapi.db'));
  try {
    const repos = createSqliteRepositories(db);
    await repos.clients.insert({ id: 'acme', name: 'Acme', signingSecret: 's'.repeat(43), createdAt: new Date().toISOString() });
    let address = '93.184.216.34';
    let posts = 0;
    const webhooks = createWebhookService({
      repos,
      policy: { allowPrivate: false },
      disableAfterMs: 24 * 3_600_000,
      present: async () => ({}),
      lookup: async () => [{ address, family: 4 }],
      post: async () => (posts++, { status: 200, body: '', latencyMs: 1, error: null }),
    });
    const endpoint = await webhooks.create('acme', { url: 'http://hooks.example.com/in', events: ['image.deleted'] });
    address = '127.0.0.1'; // DNS rebinding after registration
    const dispatcher = createOutboxDispatcher({ repo: repos.outbox, retryBaseMs: 10, onError: () => {} });
    for (const [kind, send] of Object.entries(webhooks.senders)) dispatcher.register(kind, send);
    await repos.outbox.enqueue([{ id: newMessageId(), kind: WEBHOOK_EVENT, clientId: 'acme', payload: { type: 'image.deleted', timestamp: new Date().toISOString(), data: { kind: 'image', record: {} } } }], Date.now());
    await dispatcher.runOnce();
    expect(posts).toBe(0);
    expect(await repos.outbox.pending()).toBe(0);
    const log = await webhooks.deliveries('acme', endpoint.id);
    expect(log.map((a) => [a.attempt, a.ok, a.status])).toEqual([[1, false, null]]);
    expect(log[0]!.error).toContain('forbidden');
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
