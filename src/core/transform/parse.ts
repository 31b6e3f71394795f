import { AppError } from '../errors';
import { InvalidValue, invalidSegment } from './ops/op';
import { OPS, OPS_BY_KEY, type Transform } from './registry';
import { MAX_TRANSFORM_LENGTH } from './types';

const KEYS = OPS.map((op) => op.key).join(', ');

/**
 * Parses a transform string such as `w_600,h_400,c_cover,f_webp,q_80`.
 * The empty string is the identity transform. Throws `invalid_input` naming the bad segment.
 */
export function parseTransform(input: string): Transform {
  if (input.length > MAX_TRANSFORM_LENGTH) {
    throw new AppError('invalid_input', `Transform is longer than ${MAX_TRANSFORM_LENGTH} characters`);
  }
  if (input === '') return {};
  const result: Record<string, unknown> = {};
  for (const segment of input.split(',')) {
    if (segment === '') throw invalidSegment(segment, 'empty segment');
    const underscore = segment.indexOf('_');
    if (underscore <= 0) throw invalidSegment(segment, 'expected key_value');
    const key = segment.slice(0, underscore);
    const op = OPS_BY_KEY.get(key);
    if (!op) throw invalidSegment(segment, `unknown key "${key}" (expected one of ${KEYS})`);
    if (Object.hasOwn(result, key)) throw invalidSegment(segment, `duplicate key "${key}"`);
    try {
      result[key] = op.parse(segment.slice(underscore + 1));
    } catch (error) {
      if (error instanceof InvalidValue) throw invalidSegment(segment, error.message);
      throw error;
    }
  }
  return result as Transform;
}

/** Keys in the registry's order, each value in its canonical text (`dpr_2.0` → `dpr_2`, jpg → jpeg). */
export function canonicalTransform(transform: Transform): string {
  const values = transform as Record<string, unknown>;
  return OPS.filter((op) => values[op.key] !== undefined)
    .map((op) => `${op.key}_${(op.text as (value: unknown) => string)(values[op.key])}`)
    .join(',');
}

export function canonicalize(input: string): string {
  return canonicalTransform(parseTransform(input));
}
