import { defineOp, InvalidValue } from './op';

const DECIMAL = /^[1-9](\.[0-9]{1,3})?$/;

export const devicePixelRatio = defineOp({
  key: 'dpr',
  doc: { meaning: 'device pixel ratio, multiplies w and h', values: '1–4, up to 3 decimals (1, 1.5, 2)' },
  parse(raw) {
    const value = Number(raw);
    if (!DECIMAL.test(raw) || value < 1 || value > 4) throw new InvalidValue('expected a number from 1 to 4');
    return value;
  },
  text: String,
  stage: 'resize',
});
