import type { AutoQualityLevel } from './ops/quality';
import type { LossyFormat } from './types';

/**
 * The least score (SSIM of luma at half scale against the unencoded pixels at the output size,
 * see `ssim.ts`) each `q_auto` level accepts, calibrated on the sample corpus at 600 and 1400 px
 * (README, "Automatic quality"). JPEG at q80 scores 0.988–0.997 there, WebP at q80 0.982–0.995,
 * AVIF at q55 0.980–0.993: `best` is that class, `good` its lower edge (where the corpus takes
 * a fifth fewer bytes than q80/q55 in total), `eco` and `low` trade further.
 */
export const AUTO_QUALITY_TARGETS: Readonly<Record<AutoQualityLevel, number>> = {
  best: 0.99,
  good: 0.98,
  eco: 0.975,
  low: 0.965,
};

/**
 * The qualities the search moves within, per lossy format. The floors are where artefacts that
 * SSIM underrates set in (JPEG blocking on gradients, WebP and AVIF smearing texture into
 * flat patches); above the ceilings bytes grow with nothing left to see.
 */
export const AUTO_QUALITY_RANGES: Readonly<Record<LossyFormat, { readonly min: number; readonly max: number }>> = {
  jpeg: { min: 40, max: 95 },
  webp: { min: 50, max: 95 },
  avif: { min: 30, max: 90 },
};

/** Candidates encoded per search: a binary search over ~64 qualities ends within 2 of the best. */
export const MAX_CANDIDATES = 5;

export interface Candidate {
  readonly quality: number;
  readonly bytes: number;
  readonly score: number;
}

export interface SearchResult {
  /** The cheapest candidate scoring at least the target, or the range's top when none does. */
  readonly quality: number;
  readonly tried: readonly Candidate[];
}

/**
 * Binary search for the lowest quality whose score reaches `target`, with at most
 * `maxCandidates` encodes; of the candidates that pass, the one with the fewest bytes wins
 * (scores are nearly, not strictly, monotonic in quality).
 */
export async function searchQuality(
  range: { readonly min: number; readonly max: number },
  target: number,
  tryQuality: (quality: number) => Promise<Omit<Candidate, 'quality'>>,
  maxCandidates = MAX_CANDIDATES,
): Promise<SearchResult> {
  const tried: Candidate[] = [];
  let low = range.min; // the lowest quality that might still pass
  let high = range.max; // a quality taken to pass (the top is used when nothing passes)
  while (low < high && tried.length < maxCandidates) {
    const quality = Math.floor((low + high) / 2);
    const candidate = { quality, ...(await tryQuality(quality)) };
    tried.push(candidate);
    if (candidate.score >= target) high = quality;
    else low = quality + 1;
  }
  const passing = tried.filter((c) => c.score >= target).sort((a, b) => a.bytes - b.bytes || a.quality - b.quality);
  return { quality: passing[0]?.quality ?? range.max, tried };
}
