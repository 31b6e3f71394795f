import { dayBound, rangeOrderMessage } from './date-bounds';
import { invalid } from './errors';
import { utcDate } from './usage-counters';
import { zeroCounts, type UsageDay, type UsageRepository } from './usage';

const DAY_MS = 86_400_000;
/** When neither end is given: the 30 days up to today. */
export const DEFAULT_DAYS = 30;
/** A range holds at most a year and a day (a leap year, either end included). */
export const MAX_DAYS = 366;
const FIRST_DAY = Date.parse('0000-01-01T00:00:00Z');
const LAST_DAY = Date.parse('9999-12-31T00:00:00Z');

export interface UsageReport {
  images: number;
  originalsBytes: number;
  variantBytes: number;
  /** One entry per day of the range, oldest first, zero days included. */
  days: UsageDay[];
  /** Totals over the range. */
  deliveries: number;
  bytesServed: number;
}

/**
 * The days a report covers: `to` defaults to today (UTC), or with only `from` to 29 days after
 * it (not past today); `from` to 29 days before `to`. Both inclusive, at most MAX_DAYS days,
 * `from` not after `to`.
 */
export function usageRange(input: { from?: string; to?: string }, nowMs: number): { from: string; to: string } {
  const from = dayBound(input.from, 'from');
  const today = Date.parse(`${utcDate(nowMs)}T00:00:00Z`);
  // Only `from`: the 30 days from it, not past today (a future `from` still gets its 30 days).
  const to = dayBound(input.to, 'to') ?? Math.min(from === undefined ? today : from + (DEFAULT_DAYS - 1) * DAY_MS > today && from <= today ? today : from + (DEFAULT_DAYS - 1) * DAY_MS, LAST_DAY);
  // A defaulted end stays within 4-digit years: past them a day has no YYYY-MM-DD to answer.
  const start = from ?? Math.max(to - (DEFAULT_DAYS - 1) * DAY_MS, FIRST_DAY);
  if (start > to) throw invalid(rangeOrderMessage(utcDate(start), utcDate(to)));
  const days = (to - start) / DAY_MS + 1;
  if (days > MAX_DAYS) throw invalid(`A range holds at most ${MAX_DAYS} days; from ${utcDate(start)} to ${utcDate(to)} is ${days}`);
  return { from: utcDate(start), to: utcDate(to) };
}

/** Every day from `from` to `to`, with the stored counts or zeros. */
function everyDay(from: string, to: string, stored: UsageDay[]): UsageDay[] {
  const byDate = new Map(stored.map((day) => [day.date, day]));
  const days: UsageDay[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); ms <= end; ms += DAY_MS) {
    const date = utcDate(ms);
    days.push(byDate.get(date) ?? { date, ...zeroCounts() });
  }
  return days;
}

/**
 * A client's usage: what it stores now and its traffic per day. This process's counts are
 * flushed first, so a report includes every request this node answered before it.
 */
export function createUsageReports(deps: {
  repo: Pick<UsageRepository, 'ofClient' | 'days'>;
  flush: () => Promise<void>;
  variantBytes: (clientId: string) => Promise<number>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  return {
    async report(clientId: string, range: { from?: string; to?: string }): Promise<UsageReport> {
      const { from, to } = usageRange(range, now());
      await deps.flush();
      const [stored, rows, variantBytes] = await Promise.all([deps.repo.ofClient(clientId), deps.repo.days(clientId, from, to), deps.variantBytes(clientId)]);
      const days = everyDay(from, to, rows);
      let deliveries = 0;
      let bytesServed = 0;
      for (const day of days) {
        deliveries += day.deliveries;
        bytesServed += day.bytesServed;
      }
      return { images: stored.images, originalsBytes: stored.originalsBytes, variantBytes, days, deliveries, bytesServed };
    },
  };
}

export type UsageReports = ReturnType<typeof createUsageReports>;
