import { invalid } from './errors';
import type { FocalPoint } from './ports';

// Variant keys write a point with 4 decimals (transform/plan.ts): a point stored with exactly
// those is one cached crop, never two points that crop differently sharing a file.
const STEPS = 10_000;

function fraction(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw invalid(`focalPoint.${name} must be a number from 0 to 1 (a fraction of the oriented image), not ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return Math.round(value * STEPS) / STEPS;
}

/** A focal point as given (null clears it), checked and rounded; anything else is a 400. */
export function checkFocalPoint(value: unknown): FocalPoint | null {
  if (value === null) return null;
  if (typeof value !== 'object') throw invalid('focalPoint must be { x, y } or null');
  const { x, y } = value as Record<string, unknown>;
  return { x: fraction(x, 'x'), y: fraction(y, 'y') };
}

export const sameFocalPoint = (a: FocalPoint | null, b: FocalPoint | null) => a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y);
