import { MAX_DIMENSION } from '../types';
import { defineOp, InvalidValue } from './op';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const REGION = /^(0|[1-9][0-9]{0,5}):(0|[1-9][0-9]{0,5}):([1-9][0-9]{0,5}):([1-9][0-9]{0,5})$/;
const LIMIT = 4 * MAX_DIMENSION;

export const region = defineOp({
  key: 'cr',
  doc: {
    meaning: 'region crop in source pixels (after EXIF orientation), before anything else; clipped to the image',
    values: `x:y:w:h, integers (x, y from 0; w, h from 1; each at most ${LIMIT})`,
  },
  parse(raw): Region {
    const match = REGION.exec(raw);
    const [x, y, width, height] = match ? match.slice(1).map(Number) : [];
    if (!match || [x, y, width, height].some((n) => n! > LIMIT)) {
      throw new InvalidValue(`expected x:y:w:h in pixels (integers, w and h at least 1, each at most ${LIMIT})`);
    }
    return { x: x!, y: y!, width: width!, height: height! };
  },
  text: (r) => `${r.x}:${r.y}:${r.width}:${r.height}`,
  stage: 'region',
});
