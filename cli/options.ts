import type { Command } from 'commander';
import { UsageError } from './errors';

/** Options every command accepts (declared once on the program). */
export interface GlobalOptions {
  data?: string;
  client?: string;
  url?: string;
  key?: string;
  json?: boolean;
}

export const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--data <dir>', 'local mode: data directory (IMGAPI_DATA, default ./data)')
    .option('--client <id>', 'local mode: which client (IMGAPI_CLIENT; default: "default" or the only client)')
    .option('--url <url>', 'remote mode: server URL (IMGAPI_URL, or the profile saved by `imgapi login`)')
    .option('--key <key>', 'remote mode: API key (IMGAPI_KEY, or the saved profile)')
    .option('--json', 'machine-readable output on stdout');
}

/** Plain text, or JSON when --json: always exactly what scripts expect on stdout. */
export function print(options: GlobalOptions, value: unknown, plain: string): void {
  process.stdout.write(options.json ? `${JSON.stringify(value)}\n` : plain === '' ? '' : `${plain}\n`);
}

/** Messages and progress go to stderr, never mixed into the output. */
export const say = (message: string) => process.stderr.write(`${message}\n`);

/** `320,640` as numbers; the API checks their range. */
export function widthList(list: string): number[] {
  const items = list.split(',').map((item) => item.trim());
  if (!items.every((item) => /^[0-9]{1,6}$/.test(item))) throw new UsageError(`--widths takes comma-separated whole numbers, e.g. 320,640,1280; got "${list}"`);
  return items.map(Number);
}
