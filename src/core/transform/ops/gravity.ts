import { defineOp, oneOf } from './op';

export const GRAVITIES = ['center', 'north', 'south', 'east', 'west', 'north_east', 'north_west', 'south_east', 'south_west', 'auto', 'focus'] as const;
export type Gravity = (typeof GRAVITIES)[number];

export const gravity = defineOp({
  key: 'g',
  doc: {
    meaning: 'gravity: what a crop (c_cover, c_fill) keeps and where c_contain places the image',
    values: 'center (default), north, south, east, west, north_east, north_west, south_east, south_west, auto (the most salient region), focus (the image’s focal point)',
  },
  parse: (raw) => oneOf(raw, GRAVITIES),
  text: String,
  stage: 'resize',
});
