import { loadConfig } from '../../src/config';
import { createCore, type Core } from '../../src/core-services';
import { UsageError } from '../errors';
import type { GlobalOptions } from '../options';
import { readProfile } from '../profile';
import { createRemoteBackend } from './remote';
import type { Backend } from './types';

type Env = Record<string, string | undefined>;

/**
 * A command that lives on (`watch`) hears what other processes change, as a server does, so
 * the listing totals it remembers stay true; a one-shot command only publishes its own changes.
 */
export interface Lifetime {
  longRunning?: boolean;
  /** The command reads across clients (`audit`): local mode needs no client, and --client is its filter. */
  acrossClients?: boolean;
}

/** Local mode's client: --client / IMGAPI_CLIENT, else `default`, else the only one there is. */
async function chooseClient(ctx: Pick<Core, 'accounts'>, requested: string | undefined): Promise<string> {
  if (requested) return (await ctx.accounts.getClient(requested)).id;
  const clients = await ctx.accounts.listClients();
  const fallback = clients.find((c) => c.id === 'default') ?? (clients.length === 1 ? clients[0] : undefined);
  if (fallback) return fallback.id;
  if (clients.length === 0) throw new UsageError('No client yet: run `imgapi init` or `imgapi client create <name>` first');
  throw new UsageError(`Several clients: choose one with --client (${clients.map((c) => c.id).join(', ')})`);
}

/** The core services alone: a local command starts no timer and lists no cache. */
export function openLocalContext(options: GlobalOptions, env: Env): Promise<Core> {
  return createCore(loadConfig(env, { data: options.data }));
}

/**
 * Remote when a URL is given (flag, env) or, with no data directory named, when a login
 * profile exists; local otherwise.
 */
export async function openBackend(options: GlobalOptions, env: Env = process.env, lifetime: Lifetime = {}): Promise<Backend> {
  const url = options.url ?? env.IMGAPI_URL;
  const key = options.key ?? env.IMGAPI_KEY;
  if (url) {
    const apiKey = key ?? readProfile(env)?.key;
    if (!apiKey) throw new UsageError('Remote mode needs an API key: --key, IMGAPI_KEY or `imgapi login`');
    return createRemoteBackend({ url, apiKey });
  }
  if (!options.data && !env.IMGAPI_DATA) {
    const profile = readProfile(env);
    if (profile) return createRemoteBackend({ url: profile.url, apiKey: key ?? profile.key });
  }
  const ctx = await openLocalContext(options, env);
  try {
    if (lifetime.longRunning) await ctx.hearOthers();
    // Remote mode never loads the API's use cases (nor Elysia's schema builder with them).
    const { createLocalBackend } = await import('./local');
    const clientId = lifetime.acrossClients ? (options.client ?? 'default') : await chooseClient(ctx, options.client ?? env.IMGAPI_CLIENT);
    return createLocalBackend(ctx, clientId);
  } catch (error) {
    await ctx.close();
    throw error;
  }
}

export async function withBackend<T>(options: GlobalOptions, run: (backend: Backend) => Promise<T>, lifetime: Lifetime = {}): Promise<T> {
  const backend = await openBackend(options, process.env, lifetime);
  try {
    return await run(backend);
  } finally {
    await backend.close();
  }
}
