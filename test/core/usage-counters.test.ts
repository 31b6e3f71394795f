import { describe, expect, test } from 'bun:test';
import { AppError } from '../../src/core/errors';
import { createUsageCounters } from '../../src/core/usage-counters';
import { createUsageFlusher } from '../../src/core/usage-flusher';
import { usageRange } from '../../src/core/usage-report';
import { createVariantBytes } from '../../src/core/variant-bytes';
import type { UsageDelta } from '../../src/core/usage';

const ms = (iso: string) => Date.parse(iso);

describe('usage counters', () => {
  test('deliveries, bytes, hits and misses per client; a 304 or a HEAD sends no bytes; an error counts nothing', () => {
    const counters = createUsageCounters({ now: () => ms('2026-05-04T12:00:00Z') });
    counters.delivered('a', true, 1000, 'GET', 200);
    counters.delivered('a', false, 1000, 'GET', 200);
    counters.delivered('a', false, 1000, 'GET', 304);
    counters.delivered('a', false, 1000, 'HEAD', 200);
    counters.delivered('a', false, 1000, 'GET', 404);
    counters.delivered('b', false, 7, 'GET', 200);
    counters.transformed('a');
    counters.uploaded('b');
    counters.uploaded('b');
    expect(counters.drain()).toEqual([
      { clientId: 'a', date: '2026-05-04', deliveries: 4, bytesServed: 2000, hits: 3, misses: 1, transforms: 1, uploads: 0 },
      { clientId: 'b', date: '2026-05-04', deliveries: 1, bytesServed: 7, hits: 1, misses: 0, transforms: 0, uploads: 2 },
    ]);
    expect(counters.drain()).toEqual([]);
  });

  test('midnight UTC: deliveries read no clock and move on at rollover (the flusher\'s midnight timer); uploads and transforms check it; one drain gives both days', () => {
    let now = ms('2026-12-31T23:59:59.999Z');
    const counters = createUsageCounters({ now: () => now });
    expect(counters.msToDayEnd()).toBe(1);
    counters.delivered('a', false, 10, 'GET', 200);
    now = ms('2027-01-01T00:00:00.000Z');
    expect(counters.msToDayEnd()).toBe(0);
    counters.rollover();
    expect(counters.msToDayEnd()).toBe(86_400_000);
    counters.delivered('a', false, 20, 'GET', 200);
    now = ms('2027-01-02T00:00:00.000Z');
    // No rollover yet: the next upload or transform starts the day itself.
    counters.transformed('a');
    expect(counters.drain().map((d) => [d.date, d.deliveries, d.bytesServed, d.transforms])).toEqual([
      ['2026-12-31', 1, 10, 0],
      ['2027-01-01', 1, 20, 0],
      ['2027-01-02', 0, 0, 1],
    ]);
    // A drain past midnight closes the old day too.
    counters.delivered('a', false, 5, 'GET', 200);
    now = ms('2027-01-03T00:00:00.000Z');
    expect(counters.drain().map((d) => d.date)).toEqual(['2027-01-02']);
  });

  test('a failed flush puts its counts back into their own days; the next flush writes them once', async () => {
    let now = ms('2026-05-04T23:59:00Z');
    const counters = createUsageCounters({ now: () => now });
    const written: UsageDelta[][] = [];
    let fail = true;
    const errors: unknown[] = [];
    const flusher = createUsageFlusher({
      counters,
      intervalMs: 60_000,
      onError: (error) => errors.push(error),
      repo: {
        async addDays(deltas) {
          if (fail) throw new Error('database away');
          written.push([...deltas]);
        },
      },
    });
    counters.delivered('a', false, 10, 'GET', 200);
    await expect(flusher.flush()).rejects.toThrow('database away');
    now = ms('2026-05-05T00:01:00Z');
    counters.rollover(); // the flusher's midnight timer
    counters.delivered('a', false, 5, 'GET', 200);
    fail = false;
    await flusher.flush();
    expect(written).toEqual([
      [
        { clientId: 'a', date: '2026-05-04', deliveries: 1, bytesServed: 10, hits: 1, misses: 0, transforms: 0, uploads: 0 },
        { clientId: 'a', date: '2026-05-05', deliveries: 1, bytesServed: 5, hits: 1, misses: 0, transforms: 0, uploads: 0 },
      ],
    ]);
    // Nothing counted since: no write at all; stop writes what is left.
    await flusher.flush();
    expect(written.length).toBe(1);
    counters.uploaded('a');
    await flusher.stop();
    expect(written[1]).toEqual([{ clientId: 'a', date: '2026-05-05', deliveries: 0, bytesServed: 0, hits: 0, misses: 0, transforms: 0, uploads: 1 }]);
    expect(errors).toEqual([]);
  });
});

test('the flusher moves the counters to the next day at midnight UTC by its own timer', async () => {
  let now = ms('2026-05-04T23:59:59.970Z');
  const counters = createUsageCounters({ now: () => now });
  const flusher = createUsageFlusher({ counters, intervalMs: 3_600_000, repo: { addDays: async () => {} } });
  counters.delivered('a', false, 1, 'GET', 200);
  flusher.start();
  now = ms('2026-05-05T00:00:00.010Z');
  const deadline = Date.now() + 5_000;
  while (counters.msToDayEnd() < 3_600_000 && Date.now() < deadline) await Bun.sleep(5);
  counters.delivered('a', false, 2, 'GET', 200);
  expect(counters.drain().map((d) => [d.date, d.bytesServed])).toEqual([
    ['2026-05-04', 1],
    ['2026-05-05', 2],
  ]);
  await flusher.stop();
});

describe('usage range', () => {
  const now = ms('2026-03-10T15:00:00Z');
  const refused = (input: { from?: string; to?: string }, message: RegExp) => {
    let error: unknown;
    try {
      usageRange(input, now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_input');
    expect((error as AppError).message).toMatch(message);
  };

  test('defaults: the last 30 days; only from: 30 days from it, not past today; only to: 30 days up to it', () => {
    expect(usageRange({}, now)).toEqual({ from: '2026-02-09', to: '2026-03-10' });
    expect(usageRange({ from: '2026-01-01' }, now)).toEqual({ from: '2026-01-01', to: '2026-01-30' });
    expect(usageRange({ from: '2026-03-05' }, now)).toEqual({ from: '2026-03-05', to: '2026-03-10' });
    expect(usageRange({ from: '2026-04-01' }, now)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
    expect(usageRange({ to: '2025-12-31' }, now)).toEqual({ from: '2025-12-02', to: '2025-12-31' });
    expect(usageRange({ from: '2026-03-10', to: '2026-03-10' }, now)).toEqual({ from: '2026-03-10', to: '2026-03-10' });
    expect(usageRange({ from: '2024-01-01', to: '2024-12-31' }, now)).toEqual({ from: '2024-01-01', to: '2024-12-31' });
  });

  test('refused: not a calendar date, from after to, more than 366 days', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-3-1', '20260301', 'yesterday', '', '2026-03-01T00:00:00Z', '+02026-03-01']) refused({ from: bad }, /^from must be a date \(2026-03-01\), not "/);
    refused({ to: '2026-02-29' }, /^to must be a date \(2026-03-01\), not "2026-02-29"$/);
    refused({ from: '2026-03-02', to: '2026-03-01' }, /^from \(2026-03-02\) must not be after to \(2026-03-01\)$/);
    refused({ from: '2024-01-01', to: '2025-01-01' }, /at most 366 days.*367/);
  });
});

test('variant bytes: one listing serves every client for its period, grouped by the key\'s client', async () => {
  let listings = 0;
  let files = [
    { key: 'a/img1/v1/w_10', size: 100, mtimeMs: 0 },
    { key: 'a/img2/v3/w_20', size: 50, mtimeMs: 0 },
    { key: 'b/img3/v1/w_10', size: 7, mtimeMs: 0 },
  ];
  let now = 0;
  const bytes = createVariantBytes({
    maxAgeMs: 60_000,
    now: () => now,
    variants: {
      async listWithSizes() {
        listings++;
        return files;
      },
    },
  });
  expect(await Promise.all([bytes.ofClient('a'), bytes.ofClient('b'), bytes.ofClient('c')])).toEqual([150, 7, 0]);
  expect(listings).toBe(1);
  files = [{ key: 'a/img1/v1/w_10', size: 100, mtimeMs: 0 }];
  now = 59_999;
  expect(await bytes.ofClient('a')).toBe(150);
  now = 60_000;
  expect(await bytes.ofClient('a')).toBe(100);
  expect(await bytes.ofClient('b')).toBe(0);
  expect(listings).toBe(2);
});
