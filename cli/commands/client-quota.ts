import type { Command } from 'commander';
import type { QuotaStatus } from '../../src/api/quotas';
import { byteSize } from '../../src/core/byte-size';
import { notFound } from '../../src/core/errors';
import type { QuotaPatch } from '../../src/core/quotas';
import { withBackend } from '../backend/open';
import { UsageError } from '../errors';
import { globals, print, say } from '../options';

// Binary units, as imgapi prints sizes (1 KB = 1024 B); KiB, MiB… are taken too.
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
const CLEAR = new Set(['none', 'off', 'unlimited']);

/** `500MB`, `1.5GB`, `2000000` (bytes) → bytes; `none` → null (no limit). The API checks the range. */
export function byteLimit(text: string, flag: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (CLEAR.has(trimmed)) return null;
  const match = /^([0-9]{1,16}(?:\.[0-9]{1,3})?)\s*([a-z]*)$/.exec(trimmed);
  const unit = match ? BYTE_UNITS[match[2]!] : undefined;
  if (!match || unit === undefined) throw new UsageError(`${flag} takes a size like 2000000, 800KB, 500MB or 1.5GB (1 KB = 1024 B), or none to clear it; got "${text}"`);
  return Math.round(Number(match[1]) * unit);
}

/** A whole number, or `none` → null (no limit). */
export function countLimit(text: string, flag: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (CLEAR.has(trimmed)) return null;
  if (!/^[0-9]{1,16}$/.test(trimmed)) throw new UsageError(`${flag} takes a whole number, or none to clear it; got "${text}"`);
  return Number(trimmed);
}

const shown = (value: number | null, format: (n: number) => string) => (value === null ? 'no limit' : format(value));
const count = (n: number) => n.toLocaleString('en-US');

function plain(status: QuotaStatus): string {
  const { quotas: q, usage } = status;
  return [
    `images:                 ${count(usage.images)} of ${shown(q.maxImages, count)}`,
    `originals:              ${byteSize(usage.originalsBytes)} of ${shown(q.maxBytes, byteSize)}`,
    `upload size:            ${shown(q.maxUploadBytes, byteSize)}`,
    `transforms per minute:  ${shown(q.maxTransformsPerMinute, count)}`,
  ].join('\n');
}

interface QuotaFlags {
  maxImages?: string;
  maxBytes?: string;
  maxUploadBytes?: string;
  maxTransformsPerMinute?: string;
}

export function registerClientQuota(client: Command): void {
  client
    .command('quota <clientId>')
    .description("show a client's limits and what it stores; with flags, set them (owners' and admins' job: local mode only)")
    .option('--max-images <n>', 'images in the library (the trash not counted); none: no limit')
    .option('--max-bytes <size>', 'bytes of the originals, e.g. 500MB, 20GB; none: no limit')
    .option('--max-upload-bytes <size>', "one file's size, e.g. 25MB; none: no limit")
    .option('--max-transforms-per-minute <n>', 'new variants a minute (all nodes together): misses past it are refused, eager and warmed variants wait (hits are never limited); none: no limit')
    .addHelpText(
      'after',
      '\nSizes are bytes, or a number with KB, MB, GB, TB (1 KB = 1024 B). Flags not given keep their value.\n' +
        "Over a limit, uploads (and misses over the transforms a minute) answer 403 quota_exceeded.\n" +
        "Remote mode shows the API key's own client; setting needs the data directory (or the dashboard).\n\n" +
        'Example:\n  imgapi client quota acme --max-images 10000 --max-bytes 20GB --max-upload-bytes 25MB --max-transforms-per-minute 600\n  imgapi client quota acme --max-bytes none',
    )
    .action(async (clientId: string, flags: QuotaFlags, command: Command) => {
      const options = globals(command);
      const patch: QuotaPatch = {};
      if (flags.maxImages !== undefined) patch.maxImages = countLimit(flags.maxImages, '--max-images');
      if (flags.maxBytes !== undefined) patch.maxBytes = byteLimit(flags.maxBytes, '--max-bytes');
      if (flags.maxUploadBytes !== undefined) patch.maxUploadBytes = byteLimit(flags.maxUploadBytes, '--max-upload-bytes');
      if (flags.maxTransformsPerMinute !== undefined) patch.maxTransformsPerMinute = countLimit(flags.maxTransformsPerMinute, '--max-transforms-per-minute');
      const status = await withBackend({ ...options, client: clientId }, async (backend) => {
        const current = Object.keys(patch).length > 0 ? await backend.setQuotas(patch) : await backend.quotas();
        // Remote mode answers for the key's own client: another id is not one it may see.
        if (current.clientId !== clientId) throw notFound('Client');
        return current;
      });
      if (!options.json && Object.keys(patch).length > 0) say(`Quotas of ${clientId} set.`);
      print(options, status, plain(status));
    });
}
