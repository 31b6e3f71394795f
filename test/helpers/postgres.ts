import { SQL } from 'bun';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * A real PostgreSQL for the tests: IMGAPI_TEST_DATABASE_URL when set, else a throwaway cluster
 * started from Debian's `postgresql` package in a temporary directory (fsync off: it is thrown
 * away). Each caller gets a database of its own on it.
 */
let cluster: Promise<{ adminUrl: string }> | null = null;

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  const bin = version && join(root, version, 'bin');
  if (!bin || !existsSync(join(bin, 'initdb'))) {
    throw new Error('PostgreSQL is needed by these tests: apt-get install postgresql (or set IMGAPI_TEST_DATABASE_URL)');
  }
  return bin;
}

async function run(argv: string[], user: string | null): Promise<void> {
  const command = user && process.getuid?.() === 0 ? ['runuser', '-u', user, '--', ...argv] : argv;
  const child = Bun.spawn(command, { stdout: 'pipe', stderr: 'pipe' });
  if ((await child.exited) !== 0) throw new Error(`${argv[0]} failed: ${await new Response(child.stderr).text()}`);
}

async function startCluster(): Promise<{ adminUrl: string }> {
  if (process.env.IMGAPI_TEST_DATABASE_URL) return { adminUrl: process.env.IMGAPI_TEST_DATABASE_URL };
  const bin = postgresBin();
  // PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user the package made.
  const owner = process.getuid?.() === 0 ? 'postgres' : null;
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-pg-'));
  chmodSync(dir, 0o700);
  if (owner) {
    const { uid, gid } = await userIds(owner);
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  await run([join(bin, 'initdb'), '-D', dir, '-U', 'imgapi', '--auth=trust', '-E', 'UTF8', '--locale=C'], owner);
  await run(
    [join(bin, 'pg_ctl'), '-D', dir, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, 'start'],
    owner,
  );
  // A watchdog outlives this process by a second at most: however the test run ends (even
  // killed), the cluster is stopped and its directory removed.
  const stop = `${owner ? `runuser -u ${owner} -- ` : ''}${join(bin, 'pg_ctl')} -D ${dir} -m immediate stop`;
  Bun.spawn(['sh', '-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stop}; rm -rf ${dir}`], {
    stdio: ['ignore', 'ignore', 'ignore'],
  }).unref();
  return { adminUrl: `postgres://imgapi@127.0.0.1:${port}/postgres` };
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const line = (await Bun.file('/etc/passwd').text()).split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`No user ${name}: apt-get install postgresql creates it`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A fresh, empty database; its URL. */
export async function freshDatabase(): Promise<string> {
  cluster ??= startCluster();
  const { adminUrl } = await cluster;
  const name = `imgapi_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new SQL(adminUrl);
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
