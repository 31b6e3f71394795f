import { afterAll, beforeAll, expect, test } from 'bun:test';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** A server that computes no eager variants: jobs stay queued, so what a warm counts is plain to see. */
let paused: TestServer;
let env: Record<string, string>;
let presetId: string;

beforeAll(async () => {
  paused = await startServer({ IMGAPI_EAGER_CONCURRENCY: '0' });
  env = { HOME: isolatedHome(), IMGAPI_URL: paused.url, IMGAPI_KEY: paused.apiKey };
  presetId = (await paused.api('POST', '/presets', { name: 'stuck', params: 'w_64', eager: true })).json.id;
  // An upload outside the warmed folder queues a job of the same preset before the warm.
  expect((await paused.upload(await jpeg(200, 100), 'out.jpg', 'elsewhere')).status).toBe(201);
  expect((await paused.upload(await jpeg(200, 100), 'in.jpg', 'warmed')).status).toBe(201);
});
afterAll(() => paused?.stop());

test('a warm counts only the variants it queued: GET …/warm?since= leaves out the preset\'s other jobs', async () => {
  await Bun.sleep(5);
  const warm = await paused.api('POST', `/presets/${presetId}/warm`, { folder: 'warmed' });
  expect(warm.json).toMatchObject({ images: 1, variants: 1, pending: 1, ready: 0, failed: 0 });
  expect(typeof warm.json.since).toBe('string');
  const scoped = await paused.api('GET', `/presets/${presetId}/warm?since=${encodeURIComponent(warm.json.since)}`);
  expect(scoped.json).toEqual({ pending: 1, ready: 0, failed: 0 });
  // Without since: the preset's whole queue, the upload's job outside the folder included.
  expect((await paused.api('GET', `/presets/${presetId}/warm`)).json).toEqual({ pending: 2, ready: 0, failed: 0 });
});

test('preset warm gives up with a clear message when nothing progresses (the server computes no eager variants)', async () => {
  const started = Date.now();
  const run = await runCli(['preset', 'warm', 'stuck', '--folder', 'warmed', '--stall-timeout', '1', '--json'], { env });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('no variant finished in 1 s (1 still queued, 0 ready)');
  expect(run.stderr).toContain('IMGAPI_EAGER_CONCURRENCY');
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(run.stdout).toBe('');
  const bad = await runCli(['preset', 'warm', 'stuck', '--stall-timeout', 'soon'], { env });
  expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('--stall-timeout must be a number of seconds')]);
});
