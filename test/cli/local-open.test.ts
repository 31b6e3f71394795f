import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend } from '../../cli/backend/open';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';

/** What a one-shot local command opens: the core services, never the delivery runtime. */
describe('local one-shot commands open the core alone', () => {
  let work: string;
  let env: Record<string, string>;
  let data: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'imgapi-local-open-'));
    data = join(work, 'data');
    env = { HOME: isolatedHome(), IMGAPI_DATA: data };
    expect((await runCli(['init', '--yes'], { env })).code).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('key list and image list never list the variant cache', async () => {
    const tripwire = mkdtempSync(join(tmpdir(), 'imgapi-tripwire-'));
    const tripData = join(tripwire, 'data');
    const tripEnv = { HOME: env.HOME!, IMGAPI_DATA: tripData };
    expect((await runCli(['init', '--yes'], { env: tripEnv })).code).toBe(0);
    // A file where the cache directory belongs: listing it (as the tiers' index rebuild does)
    // fails with ENOTDIR, whatever the user's privileges, however few files there would be.
    rmSync(join(tripData, 'cache'), { recursive: true, force: true });
    writeFileSync(join(tripData, 'cache'), 'not a directory');
    for (const args of [['key', 'list'], ['image', 'list']]) {
      const result = await runCli([...args, '--json'], { env: tripEnv });
      expect([args.join(' '), result.code, result.stderr]).toEqual([args.join(' '), 0, '']);
    }
    rmSync(tripwire, { recursive: true, force: true });
  });

  test('opening the local backend starts no timer; a long-running command (watch) hears other processes and writes its usage as it goes', async () => {
    const intervals = spyOn(globalThis, 'setInterval');
    // A flush interval no other timer has, so the spy tells the two timers apart by their delay.
    const flushEnv = { IMGAPI_USAGE_FLUSH_MS: '7321' };
    try {
      const oneShot = await openBackend({ data }, flushEnv);
      expect(await oneShot.listKeys()).toHaveLength(1);
      await oneShot.close();
      expect(intervals).not.toHaveBeenCalled();

      // A long-running command starts exactly two: SQLite's poller for other processes'
      // commits (every 500 ms) and the usage flusher (IMGAPI_USAGE_FLUSH_MS), which writes a
      // `watch`'s uploads to the usage table while it runs, not only when it is stopped.
      const longRunning = await openBackend({ data }, flushEnv, { longRunning: true });
      await longRunning.close();
      expect(intervals.mock.calls.map((call) => call[1]).sort()).toEqual([500, 7321]);
    } finally {
      intervals.mockRestore();
    }
  });

  test('a local delete --permanent still removes the image’s cached variants from disk', async () => {
    const photo = join(work, 'p.jpg');
    writeFileSync(photo, await jpeg(40, 30));
    expect((await runCli(['upload', photo], { env })).code).toBe(0);
    const [{ id }] = JSON.parse((await runCli(['image', 'list', '--json'], { env })).stdout).items;
    const variantDir = join(data, 'cache', 'default', id, 'v1');
    mkdirSync(variantDir, { recursive: true });
    writeFileSync(join(variantDir, '20x15-scale-q80.webp'), 'x');
    expect((await runCli(['image', 'delete', id, '--permanent'], { env })).code).toBe(0);
    expect(existsSync(join(data, 'cache', 'default', id))).toBe(false);
  });
});
