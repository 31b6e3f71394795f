import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { startServer, type TestServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';

for (const mode of ['local', 'remote'] as const) {
  describe(`webhook in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const imgapi = (args: string[]) => runCli(args, { env });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-webhook-${mode}-`));
      const home = isolatedHome();
      if (mode === 'local') {
        env = { HOME: home, IMGAPI_DATA: join(work, 'data'), IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1' };
        expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
      } else {
        server = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' });
        env = { HOME: home, IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey };
      }
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('create (secret once), list, test, deliveries, delete; --events is required and checked', async () => {
      const receiver = await startReceiver();
      const created = await imgapi(['webhook', 'create', receiver.url, '--events', 'image.created,image.deleted', '--json']);
      expect(created.code).toBe(0);
      const hook = JSON.parse(created.stdout);
      expect(hook).toMatchObject({ url: receiver.url, events: ['image.created', 'image.deleted'], enabled: true });
      expect(hook.secret).toMatch(/^whsec_/);
      receiver.secret = hook.secret;
      const plain = await imgapi(['webhook', 'list']);
      expect(plain.stdout.trim()).toBe([hook.id, receiver.url, 'image.created,image.deleted', 'enabled'].join('\t'));
      expect(plain.stdout).not.toContain('whsec_');

      const tested = await imgapi(['webhook', 'test', hook.id, '--json']);
      expect(tested.code).toBe(0);
      const queued = JSON.parse(tested.stdout).id;
      expect(queued).toMatch(/^msg_/);
      if (mode === 'remote') {
        const [event] = await receiver.waitFor(1);
        expect(event!.id).toBe(queued);
        await Bun.sleep(100);
        const deliveries = JSON.parse((await imgapi(['webhook', 'deliveries', hook.id, '--json'])).stdout);
        expect(deliveries[0]).toMatchObject({ webhookId: queued, event: 'webhook.test', ok: true, status: 200 });
        expect((await imgapi(['webhook', 'deliveries', hook.id])).stdout).toContain('webhook.test');
      } else {
        expect(JSON.parse((await imgapi(['webhook', 'deliveries', hook.id, '--json'])).stdout)).toEqual([]);
      }

      const missing = await imgapi(['webhook', 'create', receiver.url]);
      expect(missing.code).toBe(2);
      const unknown = await imgapi(['webhook', 'create', receiver.url, '--events', 'image.nope']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('image.nope');
      expect((await imgapi(['webhook', 'delete', hook.id])).code).toBe(0);
      expect((await imgapi(['webhook', 'delete', hook.id])).code).toBe(1);
      expect(JSON.parse((await imgapi(['webhook', 'list', '--json'])).stdout)).toEqual([]);
      await receiver.down();
    });
  });
}

test('without the private setting, the CLI refuses a loopback target too (local mode)', async () => {
  const work = mkdtempSync(join(tmpdir(), 'imgapi-webhook-ssrf-'));
  const env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
  try {
    expect((await runCli(['init', '--yes', '--json'], { env })).code).toBe(0);
    const refused = await runCli(['webhook', 'create', 'http://127.0.0.1:9/hook', '--events', 'image.created'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('private');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
