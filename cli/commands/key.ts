import type { Command } from 'commander';
import { backendAction } from '../actions';
import { print } from '../options';

export function registerKey(program: Command): void {
  const key = program.command('key').description("API keys of a client (local: --client; remote: the key's own client)");

  key
    .command('create')
    .description('create an API key; the secret is shown once')
    .option('--name <name>', 'a name to tell keys apart', 'default')
    .addHelpText('after', '\nExample:\n  imgapi key create --client acme --name ci --json')
    .action(
      backendAction(async (backend, options, opts: { name: string }) => {
        const created = await backend.createKey(opts.name);
        print(options, { id: created.id, apiKey: created.apiKey }, `id:     ${created.id}\napiKey: ${created.apiKey}`);
      }),
    );

  key
    .command('list')
    .description('list API keys (never their secrets)')
    .addHelpText('after', '\nExample:\n  imgapi key list --client acme')
    .action(
      backendAction(async (backend, options) => {
        const keys = await backend.listKeys();
        print(options, keys, keys.map((k) => `${k.id}\t${k.prefix}…\t${k.name}\t${k.lastUsedAt ?? 'never used'}`).join('\n'));
      }),
    );

  key
    .command('revoke <id>')
    .description('revoke an API key')
    .addHelpText('after', '\nExample:\n  imgapi key revoke 3fQ…')
    .action(
      backendAction(async (backend, options, id: string) => {
        await backend.revokeKey(id);
        print(options, { id, revoked: true }, `revoked ${id}`);
      }),
    );
}
