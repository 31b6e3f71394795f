import { defineOp, integerIn } from './op';

/** Gaussian sigma in output pixels for `blur_N`: N / 2 (blur_2 is sigma 1, blur_100 sigma 50). */
export const blurSigma = (value: number) => value / 2;

export const blur = defineOp({
  key: 'blur',
  doc: { meaning: 'Gaussian blur of the output, sigma = value / 2 px', values: '1–100' },
  parse: (raw) => integerIn(raw, 1, 100),
  text: String,
  stage: 'blur',
});
