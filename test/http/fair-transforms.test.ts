import { afterAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { signPath } from '../../src/core/signing';
import { decode, jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** A noisy photo-sized JPEG: each of its variants takes a real moment to make. */
const noisy = async () =>
  new Uint8Array(
    await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg({ quality: 90 })
      .toBuffer(),
  );

/**
 * One transform slot; client A asks 12 new variants at once, then client B one. Resolves with
 * how many of A's were answered when B's was, and how many were still waiting for a slot then.
 */
async function floodThenOne(s: TestServer): Promise<{ aBeforeB: number; queuedWhenBAsked: number; statuses: number[] }> {
  const a = (await s.upload(await noisy(), 'a.jpg')).json.id as string;
  const other = await s.ctx.accounts.createClient('Client B', 'client-b');
  const form = new FormData();
  form.append('file', new File([await jpeg(400, 300)], 'b.jpg'));
  const uploaded = await fetch(`${s.url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': other.apiKey.apiKey }, body: form });
  const b = ((await uploaded.json()) as { id: string }).id;
  const url = (clientId: string, secret: string, rest: string) => `${s.url}/t/${clientId}/${signPath(secret, clientId, rest)}/${rest}`;
  let aDone = 0;
  const flood = Array.from({ length: 12 }, (_, i) =>
    fetch(url(s.clientId, s.secret, `w_${700 + i},f_webp,q_90/${a}.webp`)).then(async (r) => {
      await r.arrayBuffer();
      aDone++;
      return r.status;
    }),
  );
  // A's flood is in: one running, the rest waiting for the slot.
  for (let i = 0; i < 200 && s.ctx.delivery.load().queued < 8; i++) await Bun.sleep(10);
  const queuedWhenBAsked = s.ctx.delivery.load().queued;
  const response = await fetch(url(other.client.id, other.client.signingSecret, `w_120,f_webp/${b}.webp`));
  const aBeforeB = aDone;
  expect(response.status).toBe(200);
  expect(response.headers.get('x-cache')).toBe('MISS');
  expect((await decode(await response.arrayBuffer())).width).toBe(120);
  return { aBeforeB, queuedWhenBAsked, statuses: await Promise.all(flood) };
}

describe('fair transform queue over HTTP (one slot)', () => {
  let s: TestServer;
  afterAll(() => s?.stop());

  test("B's miss is served while A's flood is still queued", async () => {
    s = await startServer({ IMGAPI_CONCURRENCY: '1', IMGAPI_TRANSFORM_TIMEOUT_SECONDS: '120' });
    const { aBeforeB, queuedWhenBAsked, statuses } = await floodThenOne(s);
    expect(queuedWhenBAsked).toBeGreaterThanOrEqual(8);
    // B waited for the running transform (and at most one more that started as B arrived), not for the queue.
    expect(aBeforeB).toBeLessThanOrEqual(2);
    expect(statuses.every((status) => status === 200)).toBe(true);
  }, 120_000);
});

describe('IMGAPI_TRANSFORM_QUEUE=fifo keeps the old order (the bench compares the two)', () => {
  let s: TestServer;
  afterAll(() => s?.stop());

  test("B's miss waits behind A's whole flood", async () => {
    s = await startServer({ IMGAPI_CONCURRENCY: '1', IMGAPI_TRANSFORM_TIMEOUT_SECONDS: '120', IMGAPI_TRANSFORM_QUEUE: 'fifo' });
    const { aBeforeB, queuedWhenBAsked } = await floodThenOne(s);
    expect(aBeforeB).toBeGreaterThanOrEqual(queuedWhenBAsked);
  }, 120_000);
});
