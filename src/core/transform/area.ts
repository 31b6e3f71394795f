/** A rectangle of an image, in its pixels. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where `box`, drawn on a `frame`-sized image, lies once that image is mirrored (`h`: left to
 * right, `v`: top to bottom) and then turned clockwise by `angle`.
 */
export function turned(box: Box, frame: { width: number; height: number }, angle: 90 | 180 | 270 | null, flip: 'h' | 'v' | 'hv' | null): Box {
  const left = flip === 'h' || flip === 'hv' ? frame.width - box.left - box.width : box.left;
  const top = flip === 'v' || flip === 'hv' ? frame.height - box.top - box.height : box.top;
  const { width, height } = box;
  switch (angle) {
    case 90:
      return { left: frame.height - top - height, top: left, width: height, height: width };
    case 180:
      return { left: frame.width - left - width, top: frame.height - top - height, width, height };
    case 270:
      return { left: top, top: frame.width - left - width, width: height, height: width };
    default:
      return { left, top, width, height };
  }
}
