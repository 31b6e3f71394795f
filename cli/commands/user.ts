import type { Command } from 'commander';
import { AppError } from '../../src/core/errors';
import { output, withLocalContext } from '../local';

async function readStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, '');
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('dashboard users (local mode)');
  user
    .command('create <username>')
    .description('create a dashboard user')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .option('--data <dir>', 'data directory (IMGAPI_DATA)')
    .addHelpText('after', '\nExample:\n  printf %s "$PASSWORD" | imgapi user create alice --password-stdin')
    .action(async (username: string, opts: { passwordStdin?: boolean; json?: boolean; data?: string }) => {
      const password = opts.passwordStdin ? await readStdin() : prompt('Password:');
      if (!password) throw new AppError('invalid_input', 'A password is required (--password-stdin or the prompt)');
      await withLocalContext({ data: opts.data }, async (ctx) => {
        await ctx.accounts.createUser(username, password);
        output(opts.json, { username }, `created user ${username}`);
      });
    });
}
