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

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `15m`, `1h`, `7d` in seconds; the API checks the range. */
export function durationSeconds(text: string, flag: string): number {
  const match = /^([0-9]{1,10})([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a whole number with s, m, h or d (seconds when none), e.g. 90s, 15m, 1h, 7d; got "${text}"`);
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}
