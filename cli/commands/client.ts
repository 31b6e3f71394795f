import type { Command } from 'commander';
import { localAction } from '../actions';
import { withBackend } from '../backend/open';
import { registerClientQuota } from './client-quota';
import { LOCAL_ACTOR } from '../backend/types';
import type { Core } from '../../src/core-services';

/** The API's client use cases (recorded in the audit log as the machine's operator), loaded only when used. */
async function clientsOf(ctx: Core) {
  const { clientsApi } = await import('../../src/api/clients');
  return { api: clientsApi(ctx), who: { actor: LOCAL_ACTOR, address: null } };
}
import { durationSeconds, globals, print, say } from '../options';

export function registerClient(program: Command): void {
  const client = program.command('client').description('tenants (local mode; rotate-secret and quota also remote, for the key\'s own client)');

  client
    .command('create <name>')
    .description('create a client; prints its id and a first API key')
    .option('--id <id>', 'client id ([a-z0-9][a-z0-9-]{1,31}); derived from the name if absent')
    .addHelpText('after', '\nExample:\n  imgapi client create "Acme Inc" --id acme --json')
    .action(
      localAction(async (ctx, options, name: string, opts: { id?: string }) => {
        const { api, who } = await clientsOf(ctx);
        const created = await api.create(who, name, opts.id);
        print(options, { clientId: created.id, apiKey: created.apiKey }, `clientId: ${created.id}\napiKey:   ${created.apiKey}`);
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
    .command('rename <clientId> <name>')
    .description('change a client\'s display name (1–100 characters, unique ignoring case); its id, keys and URLs stay')
    .addHelpText('after', '\nExample:\n  imgapi client rename acme "Acme Europe"')
    .action(
      localAction(async (ctx, options, clientId: string, name: string) => {
        const { api, who } = await clientsOf(ctx);
        const renamed = await api.rename(who, clientId, name);
        print(options, { id: renamed.id, name: renamed.name, createdAt: renamed.createdAt }, `${renamed.id}\t${renamed.name}`);
      }),
    );

  client
    .command('delete <clientId>')
    .description('delete a client with its API keys, folders, presets, webhooks and purge targets; refused for the last client and while it has images')
    .addHelpText('after', '\nExample:\n  imgapi client delete old-shop')
    .action(
      localAction(async (ctx, options, clientId: string) => {
        const { api, who } = await clientsOf(ctx);
        await api.remove(who, clientId);
        if (!options.json) say(`Deleted client ${clientId}.`);
        print(options, { deleted: clientId }, '');
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

  client
    .command('rotate-secret <clientId>')
    .description("a new URL-signing secret, printed once; URLs signed with the old one keep working for --grace, then 403")
    .option('--grace <duration>', 'how long the old secret still verifies: 0 (not at all), 90s, 15m, 1h, 7d (up to 365d)', '0')
    .addHelpText(
      'after',
      "\nRemote mode rotates the API key's own client (another id: not found).\n\nExample:\n  imgapi client rotate-secret acme --grace 7d\n  SECRET=$(imgapi client secret acme)",
    )
    .action(async (clientId: string, opts: { grace: string }, command: Command) => {
      const options = globals(command);
      const graceSeconds = durationSeconds(opts.grace, '--grace');
      // Local mode opens the named client; remote mode acts for the key's client, and the server checks the id.
      const rotated = await withBackend({ ...options, client: clientId }, (backend) => backend.rotateSigningSecret({ graceSeconds, clientId }));
      if (!options.json) say(graceSeconds > 0 ? `The previous secret verifies until ${rotated.previousValidUntil}.` : 'The previous secret no longer verifies.');
      print(options, { clientId, ...rotated }, rotated.secret);
    });

  registerClientQuota(client);
}
