import { defineOp, oneOf } from './op';

export const flip = defineOp({
  key: 'flip',
  doc: { meaning: 'mirror: h left to right, v top to bottom, hv both', values: 'h, v, hv' },
  parse: (raw) => oneOf(raw, ['h', 'v', 'hv'] as const),
  text: String,
  stage: 'rotate',
});
