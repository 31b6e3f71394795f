import { password as promptPassword, isCancel } from '@clack/prompts';
import { Option, type Command } from 'commander';
import { usersApi, type UserManager, type UserView } from '../../src/api/users';
import { isRole, ROLES, type Role } from '../../src/core/roles';
import { localAction } from '../actions';
import { LOCAL_ACTOR } from '../backend/types';
import { UsageError } from '../errors';
import { withDataDir } from '../with-data-dir';
import { globals, print, say } from '../options';
import type { Core } from '../../src/core-services';

export async function readStdin(): Promise<string> {
  return (await new Response(Bun.stdin.stream()).text()).replace(/\r?\n$/, '');
}

export async function askPassword(message: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No terminal to ask for a password: use --password-stdin');
  const answer = await promptPassword({ message, output: process.stderr });
  if (isCancel(answer)) throw new UsageError('Cancelled');
  return answer;
}

const roleOption = () => new Option('--role <role>', 'owner (everything), admin (every client, no users), member (the clients granted), viewer (read and copy URLs of the clients granted)').choices(ROLES);
/**
 * Every `--client <id>` (or `--client=<id>`) on the command line. The program's global --client
 * (one value, local mode's client) takes the flag wherever it stands, so the values are read
 * from the arguments; declared on the command too, for its help.
 */
function clientFlags(cmd: Command): string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  // Commander keeps the arguments it parsed (untyped): the program's, with the executable first.
  const args = (root as Command & { rawArgs: string[] }).rawArgs;
  const ids: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--client' && i + 1 < args.length) ids.push(args[++i]!);
    else if (args[i]!.startsWith('--client=')) ids.push(args[i]!.slice('--client='.length));
  }
  return ids;
}

function checkedRole(value: string): Role {
  if (!isRole(value)) throw new UsageError(`role must be one of ${ROLES.join(', ')}; got "${value}"`);
  return value;
}

/** The operator of the machine, on the data directory: every power an owner has. */
function asOperator(ctx: Core, publicUrl?: string): { api: ReturnType<typeof usersApi>; by: UserManager } {
  const base = publicUrl ?? ctx.config.publicUrl;
  if (base !== null && base !== undefined && !/^https?:\/\/[^/]+/.test(base)) throw new UsageError(`--public-url must start with http:// or https://; got "${base}"`);
  return { api: usersApi({ users: ctx.users, audit: ctx.audit, accounts: ctx.accounts }), by: { actor: LOCAL_ACTOR, address: null, base: base ?? null, session: null } };
}

const line = (u: UserView) => [u.username, u.role, u.disabled ? 'disabled' : 'enabled', u.role === 'member' || u.role === 'viewer' ? u.clientIds.join(',') || '-' : '*'].join('\t');

export function registerUser(program: Command): void {
  const user = program.command('user').description('dashboard users and their roles (local mode)');
  user
    .command('create <username>')
    .description('create a dashboard user (role owner unless --role says otherwise)')
    .addOption(roleOption().default('owner'))
    .option('--client <id>', 'a client a member or viewer may reach (repeat for several)')
    .option('--password-stdin', 'read the password from standard input')
    .addHelpText('after', '\nExamples:\n  printf %s "$PASSWORD" | imgapi user create alice --password-stdin\n  printf %s "$PASSWORD" | imgapi user create bob --role member --client acme --client shop --password-stdin')
    .action(async (username: string, opts: { role: Role; passwordStdin?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      const clientIds = clientFlags(cmd);
      if (clientIds.length > 0 && (opts.role === 'owner' || opts.role === 'admin')) {
        throw new UsageError(`--client is for members and viewers: an ${opts.role} reaches every client`);
      }
      const password = opts.passwordStdin ? await readStdin() : await askPassword(`Password for ${username}`);
      await withDataDir({ ...options, client: undefined }, async (ctx) => {
        const { api, by } = asOperator(ctx);
        const created = await api.create(by, { username, password, role: opts.role, clientIds });
        print(options, created, `created user ${created.username}`);
      });
    });

  user
    .command('list')
    .description('list users: name, role, enabled or disabled, clients (* every client)')
    .addHelpText('after', '\nExample:\n  imgapi user list --json')
    .action(
      localAction(async (ctx, options) => {
        const { api, by } = asOperator(ctx);
        const { items } = await api.list(by);
        print(options, items, items.map(line).join('\n'));
      }),
    );

  user
    .command('role <username> <role>')
    .description(`change a user's role (${ROLES.join(', ')}); the last enabled owner stays an owner`)
    .addHelpText('after', '\nExample:\n  imgapi user role bob viewer')
    .action(
      localAction(async (ctx, options, username: string, role: string) => {
        const { api, by } = asOperator(ctx);
        const changed = await api.change(by, (await ctx.users.byName(username)).id, { role: checkedRole(role) });
        print(options, changed, line(changed));
      }),
    );

  for (const [name, verb] of [
    ['grant', 'let a member or viewer reach a client'],
    ['revoke', 'take a client away from a user (from their next request on)'],
  ] as const) {
    user
      .command(`${name} <username> <clientId>`)
      .description(verb)
      .addHelpText('after', `\nExample:\n  imgapi user ${name} bob acme`)
      .action(
        localAction(async (ctx, options, username: string, clientId: string) => {
          const { api, by } = asOperator(ctx);
          const id = (await ctx.users.byName(username)).id;
          const changed = name === 'grant' ? await api.grant(by, id, clientId) : await api.revoke(by, id, clientId);
          print(options, changed, line(changed));
        }),
      );
  }

  user
    .command('disable <username>')
    .description('stop a user from logging in; their sessions end at once')
    .option('--revoke-keys', 'also revoke every API key they made in the dashboard, on every client')
    .addHelpText('after', '\nAPI keys belong to their client and keep working after their maker is disabled, unless --revoke-keys.\n\nExamples:\n  imgapi user disable bob\n  imgapi user disable bob --revoke-keys')
    .action(
      localAction(async (ctx, options, username: string, opts: { revokeKeys?: boolean }) => {
        const { api, by } = asOperator(ctx);
        const id = (await ctx.users.byName(username)).id;
        const made = opts.revokeKeys ? (await ctx.accounts.keysMadeBy(id)).length : 0;
        const changed = await api.change(by, id, { disabled: true, ...(opts.revokeKeys && { revokeKeys: true as const }) });
        const kept = changed.apiKeys > 0 ? `\n${changed.apiKeys} API key(s) they made still work: imgapi user disable ${username} --revoke-keys` : '';
        print(options, changed, opts.revokeKeys ? `${line(changed)}\nrevoked ${made} API key(s)` : `${line(changed)}${kept}`);
      }),
    );

  user
    .command('enable <username>')
    .description('let a disabled user log in again')
    .addHelpText('after', '\nExample:\n  imgapi user enable bob')
    .action(
      localAction(async (ctx, options, username: string) => {
        const { api, by } = asOperator(ctx);
        const changed = await api.change(by, (await ctx.users.byName(username)).id, { disabled: false });
        print(options, changed, line(changed));
      }),
    );

  user
    .command('invite')
    .description('a one-time link (7 days) where someone chooses their user name and password')
    .addOption(roleOption().makeOptionMandatory())
    .option('--client <id>', 'a client a member or viewer may reach (repeat for several)')
    .option('--public-url <url>', 'where the dashboard is reached (IMGAPI_PUBLIC_URL)')
    .addHelpText('after', '\nExample:\n  imgapi user invite --role member --client acme --public-url https://img.example.com')
    .action(async (opts: { role: Role; publicUrl?: string }, cmd: Command) => {
      const options = globals(cmd);
      await withDataDir({ ...options, client: undefined }, async (ctx) => {
        const { api, by } = asOperator(ctx, opts.publicUrl);
        if (!by.base) throw new UsageError('No public URL to build the link with: pass --public-url or set IMGAPI_PUBLIC_URL');
        const invited = await api.invite(by, { role: opts.role, clientIds: clientFlags(cmd) });
        if (!options.json) say(`Valid until ${invited.expiresAt}, once.`);
        print(options, invited, invited.url);
      });
    });

  user
    .command('reset-password <username>')
    .description('print a one-time link (24 hours) where the user sets a new password')
    .option('--public-url <url>', 'where the dashboard is reached (IMGAPI_PUBLIC_URL)')
    .addHelpText('after', '\nExample:\n  imgapi user reset-password bob --public-url https://img.example.com')
    .action(async (username: string, opts: { publicUrl?: string }, cmd: Command) => {
      const options = globals(cmd);
      await withDataDir(options, async (ctx) => {
        const { api, by } = asOperator(ctx, opts.publicUrl);
        if (!by.base) throw new UsageError('No public URL to build the link with: pass --public-url or set IMGAPI_PUBLIC_URL');
        const link = await api.issueReset(by, (await ctx.users.byName(username)).id);
        if (!options.json) say(`Valid until ${link.expiresAt}, once; every session of ${username} ends when it is used.`);
        print(options, { username, ...link }, link.url);
      });
    });
}
