import { defineOp, oneOf } from './op';

export const effect = defineOp({
  key: 'e',
  doc: { meaning: 'effect', values: 'grayscale' },
  parse: (raw) => oneOf(raw, ['grayscale'] as const),
  text: String,
  stage: 'effect',
});
