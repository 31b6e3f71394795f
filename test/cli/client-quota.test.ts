import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteLimit, countLimit } from '../../cli/commands/client-quota';
import { jpeg } from '../helpers/fixtures';
import { cliTarget, isolatedHome, runCli } from '../helpers/cli';
import type { TestServer } from '../helpers/server';

test('sizes and counts as the flags take them; none clears; anything else is a usage error', () => {
  expect(byteLimit('2000000', '--max-bytes')).toBe(2_000_000);
  expect(byteLimit('500MB', '--max-bytes')).toBe(500 * 2 ** 20);
  expect(byteLimit('1.5 GB', '--max-bytes')).toBe(1.5 * 2 ** 30);
  expect(byteLimit('25mib', '--max-bytes')).toBe(25 * 2 ** 20);
  expect(byteLimit('none', '--max-bytes')).toBeNull();
  expect(countLimit('600', '--max-images')).toBe(600);
  expect(countLimit('unlimited', '--max-images')).toBeNull();
  for (const bad of ['5XB', '-1', '', '1e9', 'MB']) expect(() => byteLimit(bad, '--max-bytes')).toThrow(/--max-bytes takes a size/);
  for (const bad of ['1.5', 'ten', '-3']) expect(() => countLimit(bad, '--max-images')).toThrow(/--max-images takes a whole number/);
});

describe('imgapi client quota, local mode', () => {
  let work: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'imgapi-cli-quota-'));
    ({ env } = await cliTarget('local', work));
    for (const n of [1, 2]) writeFileSync(join(work, `p${n}.jpg`), await jpeg(30 + n, 20));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const imgapi = (args: string[]) => runCli(args, { env });

  test('shows no limits, sets them (sizes with units), and an upload past the image limit says which limit', async () => {
    const none = await imgapi(['client', 'quota', 'default']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('images:                 0 of no limit');
    const set = await imgapi(['client', 'quota', 'default', '--max-images', '1', '--max-bytes', '500MB', '--max-upload-bytes', '25MB', '--max-transforms-per-minute', '600', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).quotas).toEqual({ maxImages: 1, maxBytes: 524_288_000, maxUploadBytes: 26_214_400, maxTransformsPerMinute: 600 });
    const upload = await imgapi(['upload', join(work, 'p1.jpg'), join(work, 'p2.jpg'), '--concurrency', '1']);
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain("This client's image limit (1) is reached");
    expect(upload.stderr).toContain('1 uploaded, 0 unchanged, 1 failed');
    const shown = await imgapi(['client', 'quota', 'default']);
    expect(shown.stdout).toContain('images:                 1 of 1');
    expect(shown.stdout).toContain('of 500 MB');
    expect(shown.stdout).toContain('upload size:            25 MB');
    expect(shown.stdout).toContain('transforms per minute:  600\n');
  });

  test('none clears one limit and keeps the others; then the upload passes', async () => {
    const cleared = await imgapi(['client', 'quota', 'default', '--max-images', 'none', '--json']);
    expect(JSON.parse(cleared.stdout).quotas).toEqual({ maxImages: null, maxBytes: 524_288_000, maxUploadBytes: 26_214_400, maxTransformsPerMinute: 600 });
    expect((await imgapi(['upload', join(work, 'p2.jpg')])).code).toBe(0);
  });

  test('bad values: a usage error (exit 2) or the API\'s 400 message (exit 1); an unknown client is not found', async () => {
    const unit = await imgapi(['client', 'quota', 'default', '--max-bytes', '5XB']);
    expect([unit.code, unit.stderr]).toEqual([2, expect.stringContaining('--max-bytes takes a size')]);
    const zero = await imgapi(['client', 'quota', 'default', '--max-images', '0']);
    expect([zero.code, zero.stderr]).toEqual([1, expect.stringContaining('quotas.maxImages must be an integer from 1 to 1000000000, or null for no limit')]);
    const huge = await imgapi(['client', 'quota', 'default', '--max-bytes', '5000TB']);
    expect([huge.code, huge.stderr]).toEqual([1, expect.stringContaining('quotas.maxBytes must be an integer from 1 to')]);
    const unknown = await imgapi(['client', 'quota', 'nobody', '--max-images', '5']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('Client not found')]);
  });
});

describe('imgapi client quota, remote mode', () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    const target = await cliTarget('remote', '');
    server = target.server!;
    env = target.env;
  });
  afterAll(() => server.stop());

  test("shows the key's own client; another id is not found; setting is refused with what to do instead", async () => {
    await server.ctx.quotas.set(server.clientId, { maxImages: 42 });
    const shown = await runCli(['client', 'quota', server.clientId, '--json'], { env });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ clientId: server.clientId, quotas: { maxImages: 42 }, usage: { images: 0 } });
    const other = await runCli(['client', 'quota', 'someone-else'], { env });
    expect([other.code, other.stderr]).toEqual([1, expect.stringContaining('Client not found')]);
    const set = await runCli(['client', 'quota', server.clientId, '--max-images', '1000'], { env });
    expect(set.code).toBe(1);
    expect(set.stderr).toContain('Setting quotas needs an owner or admin');
    expect((await server.ctx.quotas.of(server.clientId)).maxImages).toBe(42);
  });
});

describe('imgapi client quota next to a running server on the same data directory', () => {
  let server: TestServer;
  beforeAll(async () => {
    ({ server } = (await cliTarget('remote', '')) as { server: TestServer });
  });
  afterAll(() => server.stop());

  test('the server applies a limit set by the CLI at once (it hears the commit and drops its cached limits)', async () => {
    expect((await server.upload(await jpeg(10, 10), 'first.jpg')).status).toBe(201);
    const set = await runCli(['client', 'quota', server.clientId, '--max-images', '1'], { env: { HOME: isolatedHome(), IMGAPI_DATA: server.dataDir } });
    expect(set.code).toBe(0);
    let status = 0;
    for (let i = 0; i < 30 && status !== 403; i++) {
      status = (await server.upload(await jpeg(11 + i, 10), 'next.jpg')).status;
      if (status !== 403) await Bun.sleep(100);
    }
    expect(status).toBe(403);
  });

  test('a transforms-a-minute limit changed by the CLI starts a full bucket on the server, as one changed over HTTP does', async () => {
    const env = { HOME: isolatedHome(), IMGAPI_DATA: server.dataDir };
    // The test before left an image limit of 1: cleared, and heard by the server.
    expect((await runCli(['client', 'quota', server.clientId, '--max-images', 'none'], { env })).code).toBe(0);
    let uploaded = await server.upload(await jpeg(64, 48), 'budget.jpg');
    for (let i = 0; i < 30 && uploaded.status === 403; i++) {
      await Bun.sleep(100);
      uploaded = await server.upload(await jpeg(64, 48), 'budget.jpg');
    }
    expect(uploaded.status).toBe(201);
    const image = uploaded.json;
    let width = 10;
    // A new variant each time: a miss, drawn from the bucket.
    const miss = async () => (await fetch((await server.api('POST', '/sign', { imageId: image.id, transform: `w_${width++}` })).json.url)).status;
    expect((await runCli(['client', 'quota', server.clientId, '--max-transforms-per-minute', '2'], { env })).code).toBe(0);
    // Until the server has heard of the limit, misses are not counted against it.
    let statuses: number[] = [];
    for (let i = 0; i < 50 && !statuses.includes(403); i++) {
      statuses.push(await miss());
      await Bun.sleep(50);
    }
    expect(statuses.slice(-3)).toEqual([200, 200, 403]);
    expect((await runCli(['client', 'quota', server.clientId, '--max-transforms-per-minute', '3'], { env })).code).toBe(0);
    // Once it has, three misses at once: the bucket is full again, not still empty and refilling at 3 a minute.
    let first = 403;
    for (let i = 0; i < 30 && first === 403; i++) {
      await Bun.sleep(100);
      first = await miss();
    }
    expect([first, await miss(), await miss(), await miss()]).toEqual([200, 200, 200, 403]);
  });
});
