import { AppError } from '../errors';
import {
  FIT_MODES,
  MAX_DIMENSION,
  MAX_TRANSFORM_LENGTH,
  type FitMode,
  type FormatChoice,
  type Transform,
} from './types';

type Key = keyof Transform;
/** Canonical key order (SPEC §4). */
const KEY_ORDER: readonly Key[] = ['w', 'h', 'c', 'f', 'q', 'dpr'];

// Plain decimal integers only: "010", "+10", "1e3", "0x64" are refused rather than guessed at.
const INTEGER = /^[1-9][0-9]{0,5}$/;
const DECIMAL = /^[1-9](\.[0-9]{1,3})?$/;

const FORMAT_ALIASES: Record<string, FormatChoice> = {
  webp: 'webp',
  jpeg: 'jpeg',
  jpg: 'jpeg',
  png: 'png',
  avif: 'avif',
  auto: 'auto',
};

function bad(segment: string, why: string): AppError {
  return new AppError('invalid_input', `Invalid transform segment "${segment}": ${why}`, {
    details: { segment },
  });
}

function integerIn(segment: string, raw: string, min: number, max: number): number {
  if (!INTEGER.test(raw)) throw bad(segment, `expected an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) throw bad(segment, `expected an integer from ${min} to ${max}`);
  return value;
}

const PARSERS: Record<Key, (segment: string, raw: string) => Transform[Key]> = {
  w: (segment, raw) => integerIn(segment, raw, 1, MAX_DIMENSION),
  h: (segment, raw) => integerIn(segment, raw, 1, MAX_DIMENSION),
  q: (segment, raw) => integerIn(segment, raw, 1, 100),
  c: (segment, raw) => {
    if (!(FIT_MODES as readonly string[]).includes(raw)) throw bad(segment, `expected one of ${FIT_MODES.join(', ')}`);
    return raw as FitMode;
  },
  f: (segment, raw) => {
    const format = Object.hasOwn(FORMAT_ALIASES, raw) ? FORMAT_ALIASES[raw] : undefined;
    if (!format) throw bad(segment, 'expected one of webp, jpeg, jpg, png, avif, auto');
    return format;
  },
  dpr: (segment, raw) => {
    const value = Number(raw);
    if (!DECIMAL.test(raw) || value < 1 || value > 4) throw bad(segment, 'expected a number from 1 to 4');
    return value;
  },
};

const isKey = (key: string): key is Key => Object.hasOwn(PARSERS, key);

/**
 * Parses a transform string such as `w_600,h_400,c_cover,f_webp,q_80`.
 * The empty string is the identity transform. Throws `invalid_input` naming the bad segment.
 */
export function parseTransform(input: string): Transform {
  if (input.length > MAX_TRANSFORM_LENGTH) {
    throw new AppError('invalid_input', `Transform is longer than ${MAX_TRANSFORM_LENGTH} characters`);
  }
  if (input === '') return {};
  const result: Partial<Record<Key, Transform[Key]>> = {};
  for (const segment of input.split(',')) {
    if (segment === '') throw bad(segment, 'empty segment');
    const underscore = segment.indexOf('_');
    if (underscore <= 0) throw bad(segment, 'expected key_value');
    const key = segment.slice(0, underscore);
    const raw = segment.slice(underscore + 1);
    if (!isKey(key)) throw bad(segment, `unknown key "${key}" (expected one of ${KEY_ORDER.join(', ')})`);
    if (result[key] !== undefined) throw bad(segment, `duplicate key "${key}"`);
    result[key] = PARSERS[key](segment, raw);
  }
  return result as Transform;
}

/** Keys in the order w, h, c, f, q, dpr; numbers normalized; jpg spelled jpeg. */
export function canonicalTransform(transform: Transform): string {
  const parts: string[] = [];
  for (const key of KEY_ORDER) {
    const value = transform[key];
    if (value !== undefined) parts.push(`${key}_${value}`);
  }
  return parts.join(',');
}

export function canonicalize(input: string): string {
  return canonicalTransform(parseTransform(input));
}
