import { MAX_DIMENSION } from '../types';
import { defineOp, integerIn } from './op';

export const width = defineOp({
  key: 'w',
  doc: { meaning: 'width in px', values: `integer 1–${MAX_DIMENSION}` },
  parse: (raw) => integerIn(raw, 1, MAX_DIMENSION),
  text: String,
  stage: 'resize',
});
