import { defineOp, integerIn } from './op';

export const trim = defineOp({
  key: 'trim',
  doc: {
    meaning: 'cut borders of near-uniform colour (the top-left pixel’s); the threshold is how far a colour may differ and still count as border',
    values: 'threshold 1–100',
  },
  parse: (raw) => integerIn(raw, 1, 100),
  text: String,
  stage: 'trim',
});
