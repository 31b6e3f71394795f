import { join } from 'node:path';

export const CLI = join(import.meta.dir, '../../cli/imgapi.ts');

/** Runs `imgapi <args>` as a user would, with Bun, and collects its output. */
export async function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
  const proc = Bun.spawn([process.execPath, CLI, ...args], {
    env: { ...process.env, ...options.env },
    stdin: options.stdin === undefined ? 'ignore' : new TextEncoder().encode(options.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

/** Starts `imgapi serve --port 0` and waits for the line that names its URL. */
export async function spawnServe(dataDir: string) {
  const proc = Bun.spawn([process.execPath, CLI, 'serve', '--port', '0', '--data', dataDir], { stdout: 'pipe', stderr: 'pipe' });
  const reader = proc.stdout.getReader();
  let text = '';
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on (http:\/\/\S+)/.exec(text))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`imgapi serve exited early: ${text}${await new Response(proc.stderr).text()}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return {
    url: match[1]!,
    output: text,
    async stop() {
      proc.kill();
      await proc.exited;
    },
  };
}
