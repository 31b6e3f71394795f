import type { Core } from '../src/core-services';
import { openLocalContext } from './backend/open';
import type { GlobalOptions } from './options';
import { UsageError } from './errors';

/** Commands that only make sense on a data directory (clients, users, doctor). */
export async function withDataDir<T>(options: GlobalOptions, run: (ctx: Core) => Promise<T>): Promise<T> {
  if (options.url || process.env.IMGAPI_URL) throw new UsageError('This command works in local mode only (--data), not against a server');
  const ctx = await openLocalContext(options, process.env);
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}
