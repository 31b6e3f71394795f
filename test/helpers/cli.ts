import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from './server';

export const CLI = join(import.meta.dir, '../../cli/imgapi.ts');

/** An empty HOME so profiles, watch state and caches never touch the real one. */
export function isolatedHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'imgapi-home-'));
  mkdirSync(join(home, '.config'), { recursive: true });
  return home;
}

export const cleanEnv = () => {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('IMGAPI_') || name.startsWith('XDG_')) delete env[name];
  return env;
};

/**
 * Where a CLI test's commands go: a data directory made by `imgapi init` below `work` (local
 * mode), or a real server on a loopback port (remote mode; stop it after the test).
 */
export async function cliTarget(mode: 'local' | 'remote', work: string): Promise<{ env: Record<string, string>; server?: TestServer }> {
  if (mode === 'remote') {
    const server = await startServer();
    return { env: { HOME: isolatedHome(), IMGAPI_URL: server.url, IMGAPI_KEY: server.apiKey }, server };
  }
  const env = { HOME: isolatedHome(), IMGAPI_DATA: join(work, 'data') };
  const init = await runCli(['init', '--yes', '--json'], { env });
  if (init.code !== 0) throw new Error(`imgapi init failed: ${init.stderr}`);
  return { env };
}

/** Runs `imgapi <args>` as a user would, with Bun, and collects its output. */
export async function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}) {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    env: { ...cleanEnv(), ...options.env },
    cwd: options.cwd,
    stdin: options.stdin === undefined ? 'ignore' : new TextEncoder().encode(options.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

/** A long-running CLI command whose stdout lines can be awaited one by one. */
export function spawnCli(args: string[], options: { env?: Record<string, string> } = {}) {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    env: { ...cleanEnv(), ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const decoder = new TextDecoder();
  let buffered = '';
  let stderr = '';
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  (async () => {
    for await (const chunk of proc.stdout) {
      buffered += decoder.decode(chunk);
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      waiters.splice(0).forEach((wake) => wake());
    }
  })();
  (async () => {
    for await (const chunk of proc.stderr) {
      stderr += decoder.decode(chunk);
      waiters.splice(0).forEach((wake) => wake());
    }
  })();
  return {
    proc,
    lines,
    get stderr() {
      return stderr;
    },
    /** Resolves with the first line (stdout) or stderr text matching `pattern`, or fails after `ms`. */
    async waitFor(pattern: RegExp, ms = 15_000, source: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = source === 'stdout' ? lines.find((line) => pattern.test(line)) : pattern.exec(stderr)?.[0];
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stdout: ${lines.join('\n')}\nstderr: ${stderr}`);
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), Bun.sleep(100)]);
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      proc.kill(signal);
      return proc.exited;
    },
  };
}

/** Starts `imgapi serve` and waits for the line that names its URL. */
export async function spawnServe(dataDir: string, port = 0, env: Record<string, string> = {}) {
  const server = spawnCli(['serve', '--port', String(port), '--data', dataDir], { env });
  const line = await server.waitFor(/listening on (http:\/\/\S+)/);
  return {
    url: /listening on (http:\/\/\S+)/.exec(line)![1]!,
    output: server.lines.join('\n'),
    stop: () => server.stop(),
  };
}
