import { loadConfig, type ConfigFlags } from '../src/config';
import { createContext, type AppContext } from '../src/context';

/** Opens the local data directory for one command and always closes it. */
export async function withLocalContext<T>(flags: ConfigFlags, run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = createContext(loadConfig(process.env, flags));
  try {
    return await run(ctx);
  } finally {
    ctx.close();
  }
}

/** Plain output to stdout, or exactly one JSON document with --json. */
export function output(json: boolean | undefined, value: unknown, plain: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${plain}\n`);
}
