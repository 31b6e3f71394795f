import { defineOp, InvalidValue } from './op';

export type Angle = 90 | 180 | 270;

export const rotate = defineOp({
  key: 'a',
  doc: { meaning: 'rotate clockwise', values: '90, 180, 270' },
  parse(raw): Angle {
    if (raw !== '90' && raw !== '180' && raw !== '270') throw new InvalidValue('expected 90, 180 or 270');
    return Number(raw) as Angle;
  },
  text: String,
  stage: 'rotate',
});
