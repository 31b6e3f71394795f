import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli, spawnServe } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const statusOf = async (url: string) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
};

describe('local mode: sign --expires, client rotate-secret, a running server on the same data directory', () => {
  let work: string;
  let env: Record<string, string>;
  let imageId: string;
  const imgapi = (args: string[]) => runCli(args, { env });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'imgapi-rotate-'));
    env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
    expect((await imgapi(['init', '--yes', '--json'])).code).toBe(0);
    writeFileSync(join(work, 'a.jpg'), await jpeg(200, 100));
    const uploaded = await imgapi(['upload', join(work, 'a.jpg')]);
    imageId = uploaded.stdout.split('\t')[0]!;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('sign --expires takes s, m, h and d and adds exp_ that far ahead', async () => {
    for (const [given, seconds] of [['90', 90], ['90s', 90], ['15m', 900], ['1h', 3600], ['7d', 604_800]] as const) {
      const before = nowSeconds();
      const result = await imgapi(['sign', imageId, 'w_50', '--expires', given, '--json']);
      expect([given, result.code]).toEqual([given, 0]);
      const signed = JSON.parse(result.stdout);
      const exp = Number(/,exp_(\d+)\//.exec(signed.url)![1]);
      expect(exp - before - seconds).toBeGreaterThanOrEqual(0);
      expect(exp - before - seconds).toBeLessThanOrEqual(2);
      expect(signed.expiresAt).toBe(new Date(exp * 1000).toISOString());
    }
    const plain = await imgapi(['sign', imageId, '--expires', '1h']);
    expect(plain.stdout).toMatch(/\/exp_\d+\/[^/]+\.webp\?v=1\n$/);
  });

  test('sign --expires refuses what is not a duration (usage, exit 2), 0 (exit 1 from the API) and presets', async () => {
    for (const bad of ['1w', '-1h', 'h', '1.5h', '']) expect([bad, (await imgapi(['sign', imageId, 'w_50', '--expires', bad])).code]).toEqual([bad, 2]);
    const zero = await imgapi(['sign', imageId, 'w_50', '--expires', '0']);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('expiresIn');
    expect((await imgapi(['sign', imageId, '--preset', 'x', '--expires', '1h'])).code).toBe(2);
  });

  test('rotate-secret prints the new secret, which client secret prints from then on; a running server sees it', async () => {
    const server = await spawnServe(join(work, 'data'), 0, { HOME: env.HOME!, IMGAPI_LOG: 'off' });
    try {
      const oldSecret = (await imgapi(['client', 'secret', 'default'])).stdout.trim();
      const signedBefore = (await imgapi(['sign', imageId, 'w_60'])).stdout.trim();
      const onServer = `${server.url}${new URL(signedBefore).pathname}`;
      expect(await statusOf(onServer)).toBe(200);

      const started = Date.now();
      const rotated = await imgapi(['client', 'rotate-secret', 'default', '--grace', '7d', '--json']);
      expect(rotated.code).toBe(0);
      const answer = JSON.parse(rotated.stdout);
      expect(Object.keys(answer).sort()).toEqual(['clientId', 'previousValidUntil', 'secret']);
      expect(answer.secret).not.toBe(oldSecret);
      expect(Date.parse(answer.previousValidUntil) - started).toBeGreaterThanOrEqual(604_800_000 - 1000);
      expect(Date.parse(answer.previousValidUntil) - started).toBeLessThan(604_800_000 + 10_000);
      expect((await imgapi(['client', 'secret', 'default'])).stdout.trim()).toBe(answer.secret);
      // The old URL verifies during the grace; a new signature uses the new secret.
      await Bun.sleep(700);
      expect(await statusOf(onServer)).toBe(200);
      const signedAfter = (await imgapi(['sign', imageId, 'w_60'])).stdout.trim();
      expect(signedAfter).not.toBe(signedBefore);
      expect(await statusOf(`${server.url}${new URL(signedAfter).pathname}`)).toBe(200);

      const plain = await imgapi(['client', 'rotate-secret', 'default']);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
      expect(plain.stderr).toContain('no longer verifies');
      // No grace (the default): the server, which had both URLs verified and cached, refuses them.
      await Bun.sleep(700);
      expect(await statusOf(onServer)).toBe(403);
      expect(await statusOf(`${server.url}${new URL(signedAfter).pathname}`)).toBe(403);
    } finally {
      await server.stop();
    }
  });

  test('rotate-secret: an unknown client is an error, a bad --grace a usage error', async () => {
    expect((await imgapi(['client', 'rotate-secret', 'nobody'])).code).toBe(1);
    expect((await imgapi(['client', 'rotate-secret', 'default', '--grace', 'soon'])).code).toBe(2);
    expect((await imgapi(['client', 'rotate-secret', 'default', '--grace', '400d'])).code).toBe(1);
  });
});

describe('remote mode: rotate-secret through the API, for the key’s own client', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startServer();
    env = { HOME: isolatedHome(), IMGAPI_URL: s.url, IMGAPI_KEY: s.apiKey };
  });
  afterAll(() => s.stop());

  test('rotates the key’s client; another id is not found and changes nothing', async () => {
    const other = await runCli(['client', 'rotate-secret', 'someone-else', '--grace', '1h'], { env });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('not found');
    expect((await s.ctx.accounts.getClient(s.clientId)).signingSecret).toBe(s.secret);

    const result = await runCli(['client', 'rotate-secret', s.clientId, '--grace', '1h', '--json'], { env });
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect((await s.ctx.accounts.getClient(s.clientId)).signingSecret).toBe(answer.secret);
    expect((await s.ctx.accounts.getClient(s.clientId)).previousSecret).toEqual({ secret: s.secret, validUntil: answer.previousValidUntil });
  });
});
