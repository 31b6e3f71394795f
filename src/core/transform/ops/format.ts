import type { FormatChoice } from '../types';
import { defineOp, InvalidValue } from './op';

const ALIASES: Record<string, FormatChoice> = { webp: 'webp', jpeg: 'jpeg', jpg: 'jpeg', png: 'png', avif: 'avif', gif: 'gif', auto: 'auto' };

export const format = defineOp({
  key: 'f',
  doc: { meaning: 'output format', values: 'webp, jpeg (alias jpg), png, avif, gif, auto (an animated source: animated WebP, else GIF)' },
  parse(raw): FormatChoice {
    const value = Object.hasOwn(ALIASES, raw) ? ALIASES[raw] : undefined;
    if (!value) throw new InvalidValue('expected one of webp, jpeg, jpg, png, avif, gif, auto');
    return value;
  },
  text: String,
  stage: 'encode',
});
