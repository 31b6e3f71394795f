import { defineOp, integerIn } from './op';

/** Sigma of the unsharp mask for `sharpen_N`: N / 20 (sharpen_20 is sigma 1, sharpen_100 sigma 5). */
export const sharpenSigma = (value: number) => value / 20;

export const sharpen = defineOp({
  key: 'sharpen',
  doc: { meaning: 'sharpen the output (unsharp mask on lightness), sigma = value / 20 px', values: '1–100' },
  parse: (raw) => integerIn(raw, 1, 100),
  text: String,
  stage: 'sharpen',
});
