import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliTarget, runCli } from '../helpers/cli';
import { decode, png } from '../helpers/fixtures';
import type { TestServer } from '../helpers/server';

const today = () => new Date().toISOString().slice(0, 10);

/** `imgapi usage`: on a data directory (uploads counted by the CLI itself) and against a real server. */
for (const mode of ['local', 'remote'] as const) {
  describe(`imgapi usage in ${mode} mode`, () => {
    let env: Record<string, string>;
    let server: TestServer | undefined;
    let work: string;
    const imgapi = (args: string[]) => runCli(args, { env });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), `imgapi-usage-${mode}-`));
      ({ env, server } = await cliTarget(mode, work));
      writeFileSync(join(work, 'a.png'), await png(40, 30));
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('--json: the API shape with uploads (and, on a server, deliveries) of today; the plain table; a bad date exits 1 with the reason', async () => {
      expect((await imgapi(['upload', join(work, 'a.png')])).code).toBe(0);
      expect((await imgapi(['upload', join(work, 'a.png'), '--folder', 'again'])).code).toBe(0);
      let served = 0;
      if (server) {
        const id = JSON.parse((await imgapi(['image', 'list', '--json'])).stdout).items[0].id;
        const signed = JSON.parse((await imgapi(['sign', id, 'w_20,f_png', '--json'])).stdout).url;
        const body = new Uint8Array(await (await fetch(signed)).arrayBuffer());
        expect((await decode(body)).width).toBe(20);
        served = body.length;
      }
      // The pinned form: --client names the client (local mode; remote mode answers for the key's).
      const clientArgs = mode === 'local' ? ['--client', 'default'] : [];
      const result = await imgapi(['usage', ...clientArgs, '--json']);
      expect([result.code, result.stderr]).toEqual([0, '']);
      const usage = JSON.parse(result.stdout);
      expect(Object.keys(usage).sort()).toEqual(['bytesServed', 'days', 'deliveries', 'images', 'originalsBytes', 'variantBytes']);
      expect(usage.images).toBe(2);
      expect(usage.days.length).toBe(30);
      expect(usage.days.at(-1)).toEqual({ date: today(), deliveries: served ? 1 : 0, bytesServed: served, hits: 0, misses: served ? 1 : 0, transforms: served ? 1 : 0, uploads: 2 });
      expect(usage.deliveries).toBe(served ? 1 : 0);

      const plain = await imgapi(['usage', '--from', today(), '--to', today()]);
      expect(plain.code).toBe(0);
      const lines = plain.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^stored: {2}2 images, originals \d+(\.\d)? [KB]+, variants \d+(\.\d)? [KB]+$/);
      expect(lines[1]).toBe(`${today()} to ${today()}:  ${served ? 1 : 0} deliveries, ${served ? `${served} B` : '0 B'} served`);
      expect(lines[3]!.split(/\s+/)).toEqual(['date', 'deliveries', 'served', 'hits', 'misses', 'transforms', 'uploads']);
      expect(lines[4]!.split(/\s+/)).toEqual([today(), served ? '1' : '0', ...(served ? [String(served), 'B'] : ['0', 'B']), '0', served ? '1' : '0', served ? '1' : '0', '2']);
      expect(lines.length).toBe(5);

      const bad = await imgapi(['usage', '--from', '2026-02-30']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('from must be a date (2026-03-01), not "2026-02-30"');
      expect(bad.stdout).toBe('');
      const backwards = await imgapi(['usage', '--from', '2026-03-02', '--to', '2026-03-01']);
      expect(backwards.code).toBe(1);
      expect(backwards.stderr).toContain('from (2026-03-02) must not be after to (2026-03-01)');
    });

    test('--client names the client: its own is answered, another exits 1 (remote mode: only the key\'s own client, as client quota and audit)', async () => {
      const ownId = mode === 'local' ? 'default' : server!.clientId;
      const own = await imgapi(['usage', '--client', ownId, '--json']);
      expect([own.code, own.stderr]).toEqual([0, '']);
      expect(JSON.parse(own.stdout).images).toBe(2);
      const other = await imgapi(['usage', '--client', 'someone-else', '--json']);
      expect(other.code).toBe(1);
      expect(other.stdout).toBe('');
      expect(other.stderr).toContain('Client not found');
      if (mode === 'remote') expect(other.stderr).toContain(`remote mode reports the API key's own client (${ownId})`);
    });
  });
}
