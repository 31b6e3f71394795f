import { defineOp, InvalidValue } from './op';

export const ANGLES = [90, 180, 270] as const;
export type Angle = (typeof ANGLES)[number];

export const rotate = defineOp({
  key: 'a',
  doc: { meaning: 'rotate clockwise', values: '90, 180, 270' },
  parse(raw): Angle {
    if (!ANGLES.some((angle) => String(angle) === raw)) throw new InvalidValue('expected 90, 180 or 270');
    return Number(raw) as Angle;
  },
  text: String,
  stage: 'rotate',
});
