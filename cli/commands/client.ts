import type { Command } from 'commander';
import { output, withLocalContext } from '../local';

export function registerClient(program: Command): void {
  const client = program.command('client').description('tenants (local mode)');

  client
    .command('create <name>')
    .description('create a client; prints its id and a first API key')
    .option('--id <id>', 'client id ([a-z0-9][a-z0-9-]{1,31}); generated from the name if absent')
    .option('--json', 'machine-readable output')
    .option('--data <dir>', 'data directory (IMGAPI_DATA)')
    .addHelpText('after', '\nExample:\n  imgapi client create "Acme Inc" --id acme --json')
    .action(async (name: string, opts: { id?: string; json?: boolean; data?: string }) => {
      await withLocalContext({ data: opts.data }, async (ctx) => {
        const { client: created, apiKey } = await ctx.accounts.createClient(name, opts.id);
        output(opts.json, { clientId: created.id, apiKey: apiKey.apiKey }, `clientId: ${created.id}\napiKey:   ${apiKey.apiKey}`);
      });
    });

  client
    .command('list')
    .description('list clients')
    .option('--json', 'machine-readable output')
    .option('--data <dir>', 'data directory (IMGAPI_DATA)')
    .action(async (opts: { json?: boolean; data?: string }) => {
      await withLocalContext({ data: opts.data }, async (ctx) => {
        const clients = (await ctx.accounts.listClients()).map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt }));
        output(opts.json, clients, clients.map((c) => `${c.id}\t${c.name}`).join('\n'));
      });
    });

  client
    .command('secret <clientId>')
    .description("print the client's URL-signing secret (to sign URLs in your own backend)")
    .option('--json', 'machine-readable output')
    .option('--data <dir>', 'data directory (IMGAPI_DATA)')
    .action(async (clientId: string, opts: { json?: boolean; data?: string }) => {
      await withLocalContext({ data: opts.data }, async (ctx) => {
        const { signingSecret } = await ctx.accounts.getClient(clientId);
        output(opts.json, { clientId, signingSecret }, signingSecret);
      });
    });
}
