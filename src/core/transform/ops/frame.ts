import { defineOp, integerIn } from './op';

/** The most frames any source may have is IMGAPI_MAX_FRAMES; the grammar only bounds the number. */
export const MAX_FRAME_NUMBER = 100_000;

export const frame = defineOp({
  key: 'fr',
  doc: {
    meaning: 'frame of an animated source',
    values: 'integer from 1 (the first frame): a still of that frame in any format; without it a WebP or GIF output keeps the animation and other formats give frame 1',
  },
  parse: (raw) => integerIn(raw, 1, MAX_FRAME_NUMBER),
  text: String,
  stage: 'frames',
});
