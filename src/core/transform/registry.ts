import { background } from './ops/background';
import { blur } from './ops/blur';
import { cropMode } from './ops/crop-mode';
import { devicePixelRatio } from './ops/device-pixel-ratio';
import { effect } from './ops/effect';
import { expiry } from './ops/expiry';
import { flip } from './ops/flip';
import { format } from './ops/format';
import { frame } from './ops/frame';
import { gravity } from './ops/gravity';
import { height } from './ops/height';
import type { Op } from './ops/op';
import { quality } from './ops/quality';
import { region } from './ops/region';
import { rotate } from './ops/rotate';
import { sharpen } from './ops/sharpen';
import { trim } from './ops/trim';
import { width } from './ops/width';

/**
 * Every transform key, in canonical order (SPEC §4). Adding an operation is one file in
 * `ops/` and one line here: the parser, the canonical form, the variant key, the executor's
 * stages and the documentation all follow this list.
 */
export const OPS = [
  width,
  height,
  cropMode,
  format,
  quality,
  devicePixelRatio,
  gravity,
  region,
  rotate,
  flip,
  trim,
  background,
  blur,
  sharpen,
  effect,
  frame,
  expiry,
] as const;

type AnyOp = (typeof OPS)[number];
export type TransformKey = AnyOp['key'];
type ValueOf<K extends TransformKey> = Extract<AnyOp, { key: K }> extends Op<K, infer V> ? V : never;

/** A parsed, validated transform. Absent keys mean "not requested". */
export type Transform = { readonly [K in TransformKey]?: ValueOf<K> };

export const OPS_BY_KEY: ReadonlyMap<string, Op> = new Map(OPS.map((op) => [op.key, op as Op]));
