import { AppError } from '../errors';
import type { TransformPlan } from './plan';

/**
 * Frame pixels an animation may have per transform deadline. Every frame of an animation is
 * decoded, resized and encoded on its own, and GIF's per-frame palette costs about 0.4 s a
 * megapixel here (`bun scripts/bench/index.ts --only animation`): 300 frames of 480×270 take
 * 15 s as GIF, so one still's deadline would refuse them for ever, whatever the load.
 */
const ANIMATION_PIXELS_PER_DEADLINE = 10_000_000;
/** IMGAPI_MAX_PIXELS (100 MP by default) already bounds frames × pixels; this bounds the time. */
const MAX_ANIMATION_DEADLINES = 10;

/**
 * Seconds a transform may take, queueing included: the configured deadline, once for a still
 * and once per 10 MP of frames (frames × the larger of source and output frame, at most 10×)
 * for an animation.
 */
export function transformSeconds(baseSeconds: number, plan: Pick<TransformPlan, 'animated' | 'width' | 'height'>, source: { width: number; height: number; frames: number }): number {
  if (!plan.animated) return baseSeconds;
  const framePixels = Math.max(source.width * source.height, plan.width * plan.height);
  const deadlines = Math.ceil((source.frames * framePixels) / ANIMATION_PIXELS_PER_DEADLINE);
  return baseSeconds * Math.min(MAX_ANIMATION_DEADLINES, Math.max(1, deadlines));
}

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
