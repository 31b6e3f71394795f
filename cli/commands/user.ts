import { password as promptPassword, isCancel } from '@clack/prompts';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { withDataDir } from '../with-data-dir';
import { globals, print } from '../options';

export async function readStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, '');
}

export async function askPassword(message: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for a password: use --password-stdin');
  const answer = await promptPassword({ message, output: process.stderr });
  if (isCancel(answer)) throw new UsageError('Cancelled');
  return answer;
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('dashboard users (local mode)');
  user
    .command('create <username>')
    .description('create a dashboard user')
    .option('--password-stdin', 'read the password from standard input')
    .addHelpText('after', '\nExample:\n  printf %s "$PASSWORD" | imgapi user create alice --password-stdin')
    .action(async (username: string, opts: { passwordStdin?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      const password = opts.passwordStdin ? await readStdin() : await askPassword(`Password for ${username}`);
      await withDataDir(options, async (ctx) => {
        await ctx.accounts.createUser(username, password);
        print(options, { username }, `created user ${username}`);
      });
    });
}
