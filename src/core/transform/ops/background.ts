import { defineOp, InvalidValue } from './op';

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** 0–1. */
  readonly alpha: number;
}

const HEX = /^([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$/;

export const background = defineOp({
  key: 'b',
  doc: { meaning: 'background for c_contain padding, alpha flattening and rotation', values: 'rrggbb or rrggbbaa hex (canonical lower case)' },
  parse(raw): string {
    if (!HEX.test(raw)) throw new InvalidValue('expected a colour as rrggbb or rrggbbaa hex');
    return raw.toLowerCase();
  },
  text: String,
  stage: 'pad',
});

export function rgbaOf(hex: string): Rgba {
  const channel = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return { r: channel(0), g: channel(2), b: channel(4), alpha: hex.length === 8 ? channel(6) / 255 : 1 };
}
