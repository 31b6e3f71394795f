import type { Command } from 'commander';
import { localAction } from '../actions';
import { print } from '../options';

export function registerClient(program: Command): void {
  const client = program.command('client').description('tenants (local mode)');

  client
    .command('create <name>')
    .description('create a client; prints its id and a first API key')
    .option('--id <id>', 'client id ([a-z0-9][a-z0-9-]{1,31}); derived from the name if absent')
    .addHelpText('after', '\nExample:\n  imgapi client create "Acme Inc" --id acme --json')
    .action(
      localAction(async (ctx, options, name: string, opts: { id?: string }) => {
        const { client: created, apiKey } = await ctx.accounts.createClient(name, opts.id);
        print(options, { clientId: created.id, apiKey: apiKey.apiKey }, `clientId: ${created.id}\napiKey:   ${apiKey.apiKey}`);
      }),
    );

  client
    .command('list')
    .description('list clients')
    .addHelpText('after', '\nExample:\n  imgapi client list --json')
    .action(
      localAction(async (ctx, options) => {
        const clients = (await ctx.accounts.listClients()).map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt }));
        print(options, clients, clients.map((c) => `${c.id}\t${c.name}`).join('\n'));
      }),
    );

  client
    .command('secret <clientId>')
    .description("print the client's URL-signing secret (to sign URLs in your own backend)")
    .addHelpText('after', '\nExample:\n  SECRET=$(imgapi client secret acme)')
    .action(
      localAction(async (ctx, options, clientId: string) => {
        const { signingSecret } = await ctx.accounts.getClient(clientId);
        print(options, { clientId, signingSecret }, signingSecret);
      }),
    );
}
