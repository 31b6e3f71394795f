import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest } from '../helpers/api';
import { spawnServe } from '../helpers/cli';
import { freshDatabase } from '../helpers/postgres';
import { startReceiver } from '../helpers/webhook-receiver';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('two nodes on one PostgreSQL share the outbox: every event is delivered, none twice', async () => {
  const env = { IMGAPI_DATABASE_URL: await freshDatabase(), IMGAPI_LOG: 'off', IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' };
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'imgapi-node-')));
  const nodes = await Promise.all(dirs.map((dir) => spawnServe(dir, 0, env)));
  const receiver = await startReceiver();
  try {
    const apiKey = /API key:\s+(\S+)/.exec(nodes.map((n) => n.output).join('\n'))![1]!;
    const hook = await apiRequest(nodes[0]!.url, apiKey, 'POST', '/webhooks', { url: receiver.url, events: ['folder.created', 'folder.renamed'] });
    receiver.secret = hook.json.secret;
    // Changes on both nodes; both dispatchers claim from the one table.
    for (let i = 0; i < 20; i++) {
      const node = nodes[i % 2]!;
      const folder = await apiRequest(node.url, apiKey, 'POST', '/folders', { path: `f${i}` });
      expect(folder.status).toBe(201);
      if (i % 4 === 0) await apiRequest(node.url, apiKey, 'PATCH', `/folders/${folder.json.id}`, { name: `g${i}` });
    }
    await receiver.waitFor(25);
    await Bun.sleep(500);
    expect(receiver.events.size).toBe(25);
    const ids = receiver.requests.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const log = await apiRequest(nodes[1]!.url, apiKey, 'GET', `/webhooks/${hook.json.id}/deliveries`);
    expect(log.json.items.length).toBe(25);
  } finally {
    await receiver.down();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}, 60_000);
