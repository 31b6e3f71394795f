import { AppError } from '../core/errors';

/**
 * Runs a PostgreSQL client tool (pg_dump, pg_restore) from PATH against `databaseUrl` (if any). The
 * password goes in PGPASSWORD, not the command line, where any user of the host could read it
 * in the process list. Returns what the tool wrote to stdout.
 */
export async function runPgTool(tool: 'pg_dump' | 'pg_restore', args: string[], databaseUrl: string | null, stdin?: Uint8Array): Promise<Uint8Array> {
  const { url, password } = databaseUrl ? withoutPassword(databaseUrl) : { url: null, password: null };
  let child;
  try {
    child = Bun.spawn([tool, ...args, ...(url ? [`--dbname=${url}`] : [])], {
      stdin: stdin ?? 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    });
  } catch {
    throw new AppError('unavailable', `${tool} is not on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client), of the server's major version or newer`);
  }
  const [out, err, code] = await Promise.all([new Response(child.stdout).bytes(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new AppError('unavailable', `${tool} failed (exit ${code}): ${err.trim().split('\n').slice(0, 5).join(' / ')}`);
  return out;
}

/** `pg_dump (PostgreSQL) 15.18` → `15.18`, for the manifest. */
export async function pgToolVersion(tool: 'pg_dump' | 'pg_restore'): Promise<string> {
  try {
    const child = Bun.spawn([tool, '--version'], { stdout: 'pipe', stderr: 'ignore' });
    const text = await new Response(child.stdout).text();
    await child.exited;
    return /\d+(\.\d+)*/.exec(text)?.[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The URL as printed or recorded anywhere: no password. */
export function withoutPassword(databaseUrl: string): { url: string; password: string | null } {
  const url = new URL(databaseUrl);
  const password = url.password ? decodeURIComponent(url.password) : null;
  url.password = '';
  return { url: url.toString(), password };
}
