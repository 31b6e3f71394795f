import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { signPath } from '../../src/core/signing';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let photo: string;
beforeAll(async () => {
  s = await startServer();
  photo = (await s.upload(await jpeg(300, 200), 'photo.jpg')).json.id;
});
afterAll(() => s.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const signed = (rest: string, secret: string) => `${s.url}/t/${s.clientId}/${signPath(secret, s.clientId, rest)}/${rest}`;
const status = async (url: string) => {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
};
async function previousSecretCount(): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  return Number(/^imgapi_signature_previous_secret_total (\d+)$/m.exec(text)![1]);
}

describe('POST /signing-secret/rotate', () => {
  test('a grace period: old URLs verify (and are counted) until previousValidUntil, then 403; /sign uses the new secret at once', async () => {
    const oldSecret = (await s.ctx.accounts.getClient(s.clientId)).signingSecret;
    const oldUrl = signed(`w_100/${photo}.webp`, oldSecret);
    const oldHot = signed(`w_101/${photo}.webp`, oldSecret);
    expect([await status(oldUrl), await status(oldHot), await status(oldHot)]).toEqual([200, 200, 200]); // oldHot now in memory

    const started = Date.now();
    const { status: code, json } = await s.api('POST', '/signing-secret/rotate', { graceSeconds: 2 });
    expect(code).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['previousValidUntil', 'secret']);
    expect(json.secret).not.toBe(oldSecret);
    expect(json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const until = Date.parse(json.previousValidUntil);
    expect(until - started).toBeGreaterThanOrEqual(1900);
    expect(until - started).toBeLessThan(2500);

    const signedNow = await s.api('POST', '/sign', { imageId: photo, transform: 'w_102' });
    expect(signedNow.json.url).toContain(`/t/${s.clientId}/${signPath(json.secret, s.clientId, `w_102/${photo}.webp`)}/`);
    expect(await status(signedNow.json.url)).toBe(200);
    expect(await status(signed(`w_103/${photo}.webp`, json.secret))).toBe(200);

    const counted = await previousSecretCount();
    expect([await status(oldUrl), await status(oldHot), await status(signed(`w_104/${photo}.webp`, oldSecret))]).toEqual([200, 200, 200]);
    expect(await previousSecretCount()).toBe(counted + 3);
    expect(await status(signed(`w_103/${photo}.webp`, json.secret))).toBe(200);
    expect(await previousSecretCount()).toBe(counted + 3); // the new secret is not counted

    await sleep(until - Date.now() + 50);
    expect([await status(oldUrl), await status(oldHot), await status(signed(`w_105/${photo}.webp`, oldSecret))]).toEqual([403, 403, 403]);
    expect(await status(signed(`w_103/${photo}.webp`, json.secret))).toBe(200);
    expect(await previousSecretCount()).toBe(counted + 3);
  });

  test('no grace: the old secret stops at once, even for a URL answered from memory', async () => {
    const current = (await s.ctx.accounts.getClient(s.clientId)).signingSecret;
    const hot = signed(`w_110/${photo}.webp`, current);
    expect([await status(hot), await status(hot)]).toEqual([200, 200]);
    const { json } = await s.api('POST', '/signing-secret/rotate', { graceSeconds: 0 });
    expect(Date.parse(json.previousValidUntil)).toBeLessThanOrEqual(Date.now());
    expect(await status(hot)).toBe(403);
    expect(await status(signed(`w_110/${photo}.webp`, json.secret))).toBe(200);
  });

  test('rotating again within a grace ends the older secret: only one previous secret verifies', async () => {
    const first = (await s.ctx.accounts.getClient(s.clientId)).signingSecret;
    const second = (await s.api('POST', '/signing-secret/rotate', { graceSeconds: 60 })).json.secret;
    const third = (await s.api('POST', '/signing-secret/rotate', { graceSeconds: 60 })).json.secret;
    expect(await status(signed(`w_120/${photo}.webp`, first))).toBe(403);
    expect(await status(signed(`w_120/${photo}.webp`, second))).toBe(200);
    expect(await status(signed(`w_120/${photo}.webp`, third))).toBe(200);
  });

  test('two rotations at once: one wins, the other is 409 and changed nothing; every secret handed out works', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => s.api('POST', '/signing-secret/rotate', { graceSeconds: 60 })));
    const won = answers.filter((a) => a.status === 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const lost of answers.filter((a) => a.status !== 200)) expect([lost.status, lost.json.error.code]).toEqual([409, 'conflict']);
    // The last winner's secret is the current one; an earlier winner's is the previous one, in its grace.
    const current = (await s.api('GET', '/signing-secret')).json.secret;
    expect(won.map((a) => a.json.secret)).toContain(current);
    for (const { json } of won.slice(-2)) expect(await status(signed(`w_130/${photo}.webp`, json.secret))).toBe(200);
  });

  test('GET /signing-secret: the current secret, and the end of a running grace (else null), never cached', async () => {
    const before = await s.api('GET', '/signing-secret');
    expect(before.status).toBe(200);
    expect(before.headers.get('cache-control')).toBe('no-store');
    expect(before.json.secret).toBe((await s.ctx.accounts.getClient(s.clientId)).signingSecret);
    const rotation = await s.api('POST', '/signing-secret/rotate', { graceSeconds: 3600 });
    expect(rotation.headers.get('cache-control')).toBe('no-store');
    const rotated = rotation.json;
    expect((await s.api('GET', '/signing-secret')).json).toEqual({ secret: rotated.secret, previousValidUntil: rotated.previousValidUntil });
    const none = (await s.api('POST', '/signing-secret/rotate', { graceSeconds: 0 })).json;
    expect((await s.api('GET', '/signing-secret')).json).toEqual({ secret: none.secret, previousValidUntil: null });
  });

  test("the key's own client only; bad grace values are 400; no key is 401", async () => {
    expect((await s.api('POST', '/signing-secret/rotate', { graceSeconds: 10, clientId: 'someone-else' })).status).toBe(404);
    for (const graceSeconds of [-1, 1.5, 366 * 24 * 3600, '60']) {
      const { status: code, json } = await s.api('POST', '/signing-secret/rotate', { graceSeconds });
      expect([code, json.error.code]).toEqual([400, 'invalid_input']);
    }
    expect((await s.api('POST', '/signing-secret/rotate', {})).status).toBe(400);
    const anonymous = await fetch(`${s.url}/api/v1/signing-secret/rotate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"graceSeconds":0}' });
    expect(anonymous.status).toBe(401);
  });
});
