import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedHome, runCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startServer } from '../helpers/server';

// One backup at a time into a directory: a second run (a cron job overlapping a slow one) is
// refused with the reason and writes nothing; a lock left by a process that is gone is taken over.

const work = mkdtempSync(join(tmpdir(), 'imgapi-backup-lock-'));
const home = isolatedHome();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});
const cli = (args: string[]) => runCli(args, { env: { HOME: home } });
const LOCK = '.imgapi-backup.lock';

test('a backup running into the directory: the next is refused (exit 1, nothing written); a stale lock is taken over; none is left behind', async () => {
  const s = await startServer();
  try {
    await s.upload(await jpeg(40, 30), 'one.jpg');
    const target = join(work, 'backup');
    mkdirSync(target);

    // Held by a live process of this machine (this test's own).
    writeFileSync(join(target, LOCK), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-12-02T10:00:00.000Z' }));
    const refused = await cli(['backup', target, '--data', s.dataDir, '--prune']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Another backup is being written into this directory (process ${process.pid} on ${hostname()}, since 2026-12-02T10:00:00.000Z)`);
    expect(refused.stderr).not.toContain('    at ');
    expect(existsSync(join(target, 'manifest.json'))).toBe(false);
    expect(existsSync(join(target, LOCK))).toBe(true);

    // An unreadable lock is not guessed at either.
    writeFileSync(join(target, LOCK), 'garbage');
    expect((await cli(['backup', target, '--data', s.dataDir])).stderr).toContain('(an unreadable lock)');

    // Left by a process that is gone (a kill, a crash): taken over, and released at the end.
    const ended = Bun.spawnSync(['true']);
    writeFileSync(join(target, LOCK), JSON.stringify({ pid: ended.pid, host: hostname(), startedAt: '2026-12-02T10:00:00.000Z' }));
    const taken = await cli(['backup', target, '--data', s.dataDir]);
    expect([taken.code, taken.stderr]).toEqual([0, '']);
    expect(JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')).files.length).toBeGreaterThan(1);
    expect(existsSync(join(target, LOCK))).toBe(false);
    expect((await cli(['backup', target, '--data', s.dataDir, '--verify'])).code).toBe(0);
  } finally {
    await s.stop();
  }
}, 60_000);
