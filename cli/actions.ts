import type { Command } from 'commander';
import type { Core } from '../src/core-services';
import { withBackend } from './backend/open';
import type { Backend } from './backend/types';
import { withDataDir } from './with-data-dir';
import { globals, type GlobalOptions } from './options';

/**
 * Commander calls an action with the positional arguments, the command's options and the
 * command itself; these adapters open what the command works on and always close it.
 */
export function backendAction<A extends unknown[]>(run: (backend: Backend, options: GlobalOptions, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const options = globals(args[args.length - 1] as Command);
    await withBackend(options, (backend) => run(backend, options, ...(args.slice(0, -1) as A)));
  };
}

export function localAction<A extends unknown[]>(run: (ctx: Core, options: GlobalOptions, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const options = globals(args[args.length - 1] as Command);
    await withDataDir(options, (ctx) => run(ctx, options, ...(args.slice(0, -1) as A)));
  };
}
