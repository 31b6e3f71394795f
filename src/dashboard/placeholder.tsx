import { useState } from 'preact/hooks';
import type { ImageView } from './api';

const COLOR = /^#[0-9a-f]{6}$/i;
const DATA_URI = /^data:image\/(webp|png|jpeg);base64,[A-Za-z0-9+/=]+$/;

/**
 * An image's placeholder as style properties: its colour, and the blurred data URI over it.
 * Set as properties (CSSOM), which the dashboard's `style-src 'self'` allows where a style
 * attribute in markup would be refused. Null (an image from before placeholders) paints nothing.
 */
export function placeholderBackground({ placeholder }: Pick<ImageView, 'placeholder'>): Record<string, string> {
  if (!placeholder) return {};
  const style: Record<string, string> = {};
  if (COLOR.test(placeholder.color)) style.backgroundColor = placeholder.color;
  if (DATA_URI.test(placeholder.dataUri)) {
    Object.assign(style, { backgroundImage: `url("${placeholder.dataUri}")`, backgroundSize: 'cover', backgroundPosition: 'center' });
  }
  return style;
}

/** An `<img>` showing its image's placeholder until it has loaded (then nothing shows through transparent pixels). */
export function PlaceholderImg(props: { image: Pick<ImageView, 'placeholder'>; src: string; srcset?: string; alt: string; width: number; height: number; loading?: 'lazy' | 'eager' }) {
  const { image, ...img } = props;
  const [loaded, setLoaded] = useState(false);
  return <img {...img} style={loaded ? undefined : placeholderBackground(image)} onLoad={() => setLoaded(true)} />;
}
