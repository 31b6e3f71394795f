import { defineOp, integerIn } from './op';

export const quality = defineOp({
  key: 'q',
  doc: { meaning: 'quality', values: 'integer 1–100 (default: jpeg 80, webp 80, avif 55; png is lossless)' },
  parse: (raw) => integerIn(raw, 1, 100),
  text: String,
  stage: 'encode',
});
