import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, fileForm } from '../helpers/api';
import { isolatedHome, runCli, spawnCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startReceiver } from '../helpers/webhook-receiver';

/** Rows claimed when the server is killed are due again after this lease (production: 65 s). */
const LEASE_MS = 1_500;

test('kill -9 of the server between a change and its delivery loses no event: after a restart it arrives, once', async () => {
  const data = mkdtempSync(join(tmpdir(), 'imgapi-webhook-crash-'));
  const env = { HOME: isolatedHome(), IMGAPI_DATA: data, IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100', IMGAPI_OUTBOX_LEASE_MS: String(LEASE_MS), IMGAPI_LOG: 'off' };
  const receiver = await startReceiver({ up: false });
  try {
    const { apiKey } = JSON.parse((await runCli(['init', '--yes', '--json'], { env })).stdout);
    const start = async () => {
      const server = spawnCli(['serve', '--port', '0', '--data', data], { env });
      const url = /listening on (\S+)/.exec(await server.waitFor(/listening on/))![1]!;
      return { server, url };
    };
    let { server, url } = await start();
    const hook = await apiRequest(url, apiKey, 'POST', '/webhooks', { url: receiver.url, events: ['image.created', 'image.deleted'] });
    expect(hook.status).toBe(201);
    receiver.secret = hook.json.secret;

    // The receiver is down: the changes are committed, their deliveries are not.
    const downSince = Date.now();
    const uploaded = await apiRequest(url, apiKey, 'POST', '/images', fileForm(await jpeg(30, 20), 'crash.jpg'));
    expect(uploaded.status).toBe(201);
    const other = await apiRequest(url, apiKey, 'POST', '/images', fileForm(await jpeg(20, 20), 'gone.jpg'));
    expect((await apiRequest(url, apiKey, 'DELETE', `/images/${other.json.id}?permanent=true`)).status).toBe(204);
    await server.stop('SIGKILL');

    ({ server, url } = await start());
    receiver.up();
    // Each row is due again once its lease ran out (claimed at the kill) or at its retry, whose
    // back-off (doubling from 100 ms) is at most about twice the time the receiver was down.
    const events = await receiver.waitFor(3, LEASE_MS + 2 * (Date.now() - downSince) + 5_000);
    await Bun.sleep(400);
    expect(receiver.events.size).toBe(3);
    expect(events.map((e) => `${e.json.type} ${e.json.data.id}`).sort()).toEqual(
      [`image.created ${uploaded.json.id}`, `image.created ${other.json.id}`, `image.deleted ${other.json.id}`].sort(),
    );
    await server.stop('SIGKILL');
  } finally {
    await receiver.down();
    rmSync(data, { recursive: true, force: true });
  }
}, 90_000);
