import { AppError } from '../errors';

/**
 * Whole seconds left for the next sharp pass (sharp's timeout takes whole seconds): every pass
 * of one transform shares its deadline, so work done before the last pass (trim's analysis)
 * comes out of the same budget rather than adding to it.
 */
export function secondsLeft(deadline: number): number {
  const left = deadline - Date.now();
  if (left <= 0) throw new AppError('overloaded', 'The transform took too long; retry shortly', { details: { retryAfterSeconds: 1 } });
  return Math.ceil(left / 1000);
}
