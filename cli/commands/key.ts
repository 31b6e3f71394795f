import type { Command } from 'commander';
import { output, withLocalContext } from '../local';

export function registerKey(program: Command): void {
  const key = program.command('key').description('API keys (local mode)');
  key
    .command('create')
    .description('create an API key for a client; the secret is shown once')
    .requiredOption('--client <id>', 'client id')
    .option('--name <name>', 'a name to tell keys apart', 'default')
    .option('--json', 'machine-readable output')
    .option('--data <dir>', 'data directory (IMGAPI_DATA)')
    .addHelpText('after', '\nExample:\n  imgapi key create --client acme --name ci --json')
    .action(async (opts: { client: string; name: string; json?: boolean; data?: string }) => {
      await withLocalContext({ data: opts.data }, async (ctx) => {
        const issued = await ctx.accounts.createKey(opts.client, opts.name);
        output(opts.json, { id: issued.key.id, apiKey: issued.apiKey }, `id:     ${issued.key.id}\napiKey: ${issued.apiKey}`);
      });
    });
}
