import { defineOp, oneOf } from './op';

export const FLIPS = ['h', 'v', 'hv'] as const;

export const flip = defineOp({
  key: 'flip',
  doc: { meaning: 'mirror: h left to right, v top to bottom, hv both', values: 'h, v, hv' },
  parse: (raw) => oneOf(raw, FLIPS),
  text: String,
  stage: 'rotate',
});
