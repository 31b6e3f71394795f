import { InvalidValue, defineOp, integerIn, oneOf } from './op';

/** Strictest first; `auto` alone means `good` (targets in `../auto-quality.ts`). */
export const AUTO_QUALITY_LEVELS = ['best', 'good', 'eco', 'low'] as const;
export type AutoQualityLevel = (typeof AUTO_QUALITY_LEVELS)[number];
export interface AutoQuality {
  readonly auto: AutoQualityLevel;
}
/** A fixed encoder quality, or "search for the cheapest one that looks close enough". */
export type Quality = number | AutoQuality;

const DEFAULT_LEVEL: AutoQualityLevel = 'good';

function parseQuality(raw: string): Quality {
  if (raw === 'auto') return { auto: DEFAULT_LEVEL };
  if (raw.startsWith('auto:')) return { auto: oneOf(raw.slice('auto:'.length), AUTO_QUALITY_LEVELS) };
  try {
    return integerIn(raw, 1, 100);
  } catch {
    throw new InvalidValue(`expected an integer from 1 to 100, auto or auto:<${AUTO_QUALITY_LEVELS.join('|')}>`);
  }
}

export const quality = defineOp({
  key: 'q',
  doc: {
    meaning: 'quality',
    values:
      'integer 1–100 (default: jpeg 80, webp 80, avif 55; png is lossless), or auto, auto:best, auto:good, auto:eco, auto:low: the cheapest quality whose result stays perceptually close to the unencoded image (auto = auto:good)',
  },
  parse: parseQuality,
  text: (value: Quality) => (typeof value === 'number' ? String(value) : value.auto === DEFAULT_LEVEL ? 'auto' : `auto:${value.auto}`),
  stage: 'encode',
});
