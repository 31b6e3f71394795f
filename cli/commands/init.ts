import { intro, isCancel, outro, password, text } from '@clack/prompts';
import type { Command } from 'commander';
import { newPassword } from '../../src/core/ids';
import { UsageError } from '../errors';
import { withDataDir } from '../with-data-dir';
import { LOCAL_ACTOR } from '../backend/types';
import { globals, print, say } from '../options';

async function ask(message: string, initialValue: string): Promise<string> {
  const answer = await text({ message, initialValue, output: process.stderr });
  if (isCancel(answer)) throw new UsageError('Cancelled');
  return answer.trim() || initialValue;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('first-time set-up: data directory, admin user, first client and its API key')
    .option('--yes', 'take the defaults without asking (data ./data, user admin with a random password, client default)')
    .addHelpText('after', '\nExamples:\n  imgapi init\n  imgapi init --yes --data /var/lib/imgapi --json')
    .action(async (opts: { yes?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      const interactive = !opts.yes;
      if (interactive && !process.stdin.isTTY) throw new UsageError('No terminal to ask questions: use --yes');
      if (interactive) intro('imgapi set-up');
      const data = interactive ? await ask('Data directory', options.data ?? process.env.IMGAPI_DATA ?? './data') : options.data;
      const username = interactive ? await ask('Admin user name', 'admin') : 'admin';
      let secret = '';
      if (interactive) {
        const answer = await password({ message: 'Admin password (empty: generate one)', output: process.stderr });
        if (isCancel(answer)) throw new UsageError('Cancelled');
        secret = answer;
      }
      const generated = secret === '';
      if (generated) secret = newPassword();
      const clientName = interactive ? await ask('First client name', 'default') : 'default';

      await withDataDir({ ...options, data }, async (ctx) => {
        const existing = await ctx.accounts.listClients();
        if (existing.length > 0) {
          say(`${ctx.config.dataDir} is already set up (${existing.length} client(s)); nothing changed`);
          print(options, { dataDir: ctx.config.dataDir, alreadySetUp: true }, '');
          return;
        }
        await ctx.accounts.createUser(username, secret);
        const { client, apiKey } = await ctx.accounts.createClient(clientName, clientName === 'default' ? 'default' : undefined);
        // The set-up is the audit log's first page: the machine's operator made the first client and user.
        await ctx.audit.record([
          { actor: LOCAL_ACTOR, clientId: client.id, action: 'client.create', target: { id: client.id, name: client.name }, address: null },
          { actor: LOCAL_ACTOR, clientId: null, action: 'user.create', target: { name: username }, address: null },
        ]);
        const result = { dataDir: ctx.config.dataDir, username, password: generated ? secret : undefined, clientId: client.id, apiKey: apiKey.apiKey };
        const plain = [
          `data:     ${result.dataDir}`,
          `user:     ${username}${generated ? `\npassword: ${secret}` : ''}`,
          `client:   ${client.id}`,
          `API key:  ${apiKey.apiKey}   (shown once)`,
        ].join('\n');
        print(options, result, plain);
        if (interactive) outro(`Start the server with: imgapi serve --data ${result.dataDir}`);
      });
    });
}
