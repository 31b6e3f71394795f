import { AppError } from '../../errors';

/**
 * One transform key: its grammar, canonical text and documentation, and the pipeline stage
 * that carries it out. The registry (`../registry.ts`) lists them in canonical order, and the
 * parser, canonical form, documentation and executor all read that list.
 */
export interface Op<K extends string = string, V = unknown> {
  readonly key: K;
  /** For the README's table and the OpenAPI description. */
  readonly doc: { readonly meaning: string; readonly values: string };
  /** The value from its URL text; throws `InvalidValue` saying what was expected. */
  parse(raw: string): V;
  /** The value's canonical URL text (`dpr_2.0` → `2`). */
  text(value: V): string;
  /** Where in the pipeline it acts (see `STAGES` in `../execute.ts`); null: nowhere (delivery reads it). */
  readonly stage: Stage | null;
}

/** The pipeline, in order: several keys can share a stage (w, h, c, dpr size the image together). */
export const STAGES = ['frames', 'region', 'trim', 'rotate', 'resize', 'pad', 'blur', 'sharpen', 'effect', 'encode'] as const;
export type Stage = (typeof STAGES)[number];

/** What a value's grammar expected; the parser names the segment around it. */
export class InvalidValue extends Error {}

export const defineOp = <const K extends string, V>(op: Op<K, V>): Op<K, V> => op;

// Plain decimal integers only: "010", "+10", "1e3", "0x64" are refused rather than guessed at.
const INTEGER = /^[1-9][0-9]{0,5}$/;

export function integerIn(raw: string, min: number, max: number): number {
  const value = INTEGER.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new InvalidValue(`expected an integer from ${min} to ${max}`);
  return value;
}

export function oneOf<const T extends string>(raw: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(raw)) throw new InvalidValue(`expected one of ${values.join(', ')}`);
  return raw as T;
}

export const invalidSegment = (segment: string, why: string) =>
  new AppError('invalid_input', `Invalid transform segment "${segment}": ${why}`, { details: { segment } });
