import type { Command } from 'commander';
import { loadConfig } from '../../src/config';
import { globals } from '../options';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP daemon')
    .option('--host <host>', 'bind address (IMGAPI_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port, 0 picks a free one (IMGAPI_PORT, default 3000)')
    .option('--public-url <url>', 'base for absolute URLs in responses (IMGAPI_PUBLIC_URL)')
    .addHelpText('after', '\nExample:\n  imgapi serve --port 8080 --data /var/lib/imgapi')
    .action(async (flags: { host?: string; port?: string; publicUrl?: string }, cmd: Command) => {
      const config = loadConfig(process.env, { ...flags, data: globals(cmd).data });
      // Loaded here, not at the top: every other command would pay for the HTTP app and the cache tiers.
      const [{ createContext }, { listen }] = await Promise.all([import('../../src/context'), import('../../src/http/app')]);
      const ctx = await createContext(config);
      const created = await ctx.accounts.bootstrap();
      if (created) {
        // A first start made them: imgapi itself is their actor in the audit log.
        const system = { kind: 'system', id: null, name: 'system' } as const;
        await ctx.audit.record([
          { actor: system, clientId: created.clientId, action: 'client.create', target: { id: created.clientId, name: created.clientId }, address: null },
          { actor: system, clientId: null, action: 'user.create', target: { name: created.username }, address: null },
        ]);
        process.stdout.write(
          [
            'First start: created client, API key and dashboard user. Shown once — save them now:',
            `  client:   ${created.clientId}`,
            `  API key:  ${created.apiKey}`,
            `  user:     ${created.username}`,
            `  password: ${created.password}`,
            '',
          ].join('\n'),
        );
      }
      const server = listen(ctx, { host: config.host, port: config.port });
      // Graceful shutdown: stop accepting, let requests in flight finish, close the database.
      const shutdown = async () => {
        await server.stop();
        await ctx.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      process.stdout.write(`imgapi listening on ${server.url} (data: ${config.dataDir}; metadata: ${ctx.backends.metadata}; blobs: ${ctx.backends.storage})\n`);
    });
}
