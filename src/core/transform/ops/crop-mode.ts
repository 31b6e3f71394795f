import { FIT_MODES } from '../types';
import { defineOp, oneOf } from './op';

export const cropMode = defineOp({
  key: 'c',
  doc: { meaning: 'fit mode', values: 'fit (default), inside, fill, cover, contain' },
  parse: (raw) => oneOf(raw, FIT_MODES),
  text: String,
  stage: 'resize',
});
