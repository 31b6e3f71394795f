import type { Command } from 'commander';
import { byteSize } from '../../src/core/byte-size';
import { AppError } from '../../src/core/errors';
import { backendAction } from '../actions';
import type { UsageView } from '../backend/types';
import { print } from '../options';

const COLUMNS = [
  ['date', (d) => d.date],
  ['deliveries', (d) => d.deliveries.toLocaleString('en-US')],
  ['served', (d) => byteSize(d.bytesServed)],
  ['hits', (d) => d.hits.toLocaleString('en-US')],
  ['misses', (d) => d.misses.toLocaleString('en-US')],
  ['transforms', (d) => d.transforms.toLocaleString('en-US')],
  ['uploads', (d) => d.uploads.toLocaleString('en-US')],
] as const satisfies readonly (readonly [string, (day: UsageView['days'][number]) => string])[];

/** The stored totals, the range's totals, then one row per day; numbers right-aligned. */
export function usageTable(usage: UsageView): string {
  const rows = [COLUMNS.map(([name]) => name), ...usage.days.map((day) => COLUMNS.map(([, cell]) => cell(day)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const first = usage.days[0]?.date;
  const last = usage.days[usage.days.length - 1]?.date;
  return [
    `stored:  ${usage.images.toLocaleString('en-US')} images, originals ${byteSize(usage.originalsBytes)}, variants ${byteSize(usage.variantBytes)}`,
    `${first} to ${last}:  ${usage.deliveries.toLocaleString('en-US')} deliveries, ${byteSize(usage.bytesServed)} served`,
    '',
    ...rows.map(line),
  ].join('\n');
}

/** `imgapi usage`: what a client stores and its traffic per UTC day (`GET /api/v1/usage`). */
export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description("a client's storage and its traffic per UTC day: deliveries, bytes served, hits, misses, transforms, uploads (local: --client; remote: the key's client)")
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 29 days before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD, included (default: today, UTC); at most 366 days in all')
    .addHelpText('after', "\nRemote mode reports the API key's own client (another --client: not found).\n\nExamples:\n  imgapi usage\n  imgapi usage --client acme --json\n  imgapi usage --from 2026-01-01 --to 2026-01-31")
    .action(
      backendAction(async (backend, options, opts: { from?: string; to?: string }) => {
        // Remote mode answers for the key's own client whatever --client says: another id is
        // refused, as `client quota` and `audit` do, rather than printing the key's figures under it.
        if (backend.mode === 'remote' && options.client !== undefined) {
          const own = (await backend.quotas()).clientId;
          if (own !== options.client) throw new AppError('not_found', `Client not found: remote mode reports the API key's own client (${own}); use that id, or --data on the server for another`);
        }
        const usage = await backend.usage({ from: opts.from, to: opts.to });
        print(options, usage, usageTable(usage));
      }),
    );
}
