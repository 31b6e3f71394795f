import { invalid } from './errors';

/**
 * The `from`/`to` of every ranged read (image listings, the audit log, usage): one parser and
 * one wording of its refusals, so the API and the CLI say the same whichever read is asked.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of a calendar moment, or NaN when a field is out of range (2026-02-30, 24:00). */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return NaN;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The refusal of a bound: what it must be, with an example, and what was given (cut short). */
export function dateMessage(name: 'from' | 'to', text: string, dateTimes: boolean): string {
  const kinds = dateTimes ? 'a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z)' : 'a date (2026-03-01)';
  return `${name} must be ${kinds}, not "${text.slice(0, 40)}"`;
}

export const rangeOrderMessage = (from: string, to: string) => `from (${from.slice(0, 40)}) must not be after to (${to.slice(0, 40)})`;

/** Stored times are 4-digit years: a bound outside them could not compare as text. */
const inYears = (millis: number) => {
  const year = Number.isFinite(millis) ? new Date(millis).getUTCFullYear() : NaN;
  return year >= 0 && year <= 9999;
};

/** A whole UTC day, `YYYY-MM-DD` and a real calendar date, as the milliseconds it starts at. */
export function dayBound(text: string | undefined, name: 'from' | 'to'): number | undefined {
  if (text === undefined) return undefined;
  const date = DATE.exec(text);
  const millis = date ? utcMillis(Number(date[1]), Number(date[2]), Number(date[3])) : NaN;
  if (!inYears(millis)) throw invalid(dateMessage(name, text, false));
  return millis;
}

/** A `from`/`to` bound as a stored time (UTC ISO with milliseconds); a date's `to` takes in its whole day. */
export function dateBound(text: string | undefined, name: 'from' | 'to'): string | undefined {
  if (text === undefined) return undefined;
  let millis = NaN;
  const date = DATE.exec(text);
  const dateTime = date ? null : DATE_TIME.exec(text);
  if (date) {
    const start = utcMillis(Number(date[1]), Number(date[2]), Number(date[3]));
    millis = name === 'to' ? start + DAY_MS - 1 : start;
  } else if (dateTime) {
    const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = dateTime;
    const local = utcMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
    const offsetOk = zone === 'Z' || (Number(zh) <= 23 && Number(zm) <= 59);
    const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
    millis = offsetOk ? local - offset : NaN;
  }
  if (!inYears(millis)) throw invalid(dateMessage(name, text, true));
  return new Date(millis).toISOString();
}
