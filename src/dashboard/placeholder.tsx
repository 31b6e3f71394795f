import { useState } from 'preact/hooks';

/** What an image object says to paint while its picture loads (computed at upload). */
export interface Placeholder {
  color?: string;
  dataUri?: string;
}

const COLOR = /^#[0-9a-f]{6}$/i;
const DATA_URI = /^data:image\/(webp|png|jpeg);base64,[A-Za-z0-9+/=]+$/;

/**
 * The placeholder as style properties: the colour, and the blurred data URI over it. Set as
 * properties (CSSOM), which the dashboard's `style-src 'self'` allows where a style attribute
 * in markup would be refused. Read defensively: images from before placeholders have none.
 */
export function placeholderBackground(image: object): Record<string, string> {
  const placeholder = 'placeholder' in image ? (image.placeholder as Placeholder | null | undefined) : null;
  if (!placeholder || typeof placeholder !== 'object') return {};
  const style: Record<string, string> = {};
  if (typeof placeholder.color === 'string' && COLOR.test(placeholder.color)) style.backgroundColor = placeholder.color;
  if (typeof placeholder.dataUri === 'string' && DATA_URI.test(placeholder.dataUri)) {
    Object.assign(style, { backgroundImage: `url("${placeholder.dataUri}")`, backgroundSize: 'cover', backgroundPosition: 'center' });
  }
  return style;
}

/** An `<img>` that shows its image's placeholder until it has loaded (then nothing shows through transparent pixels). */
export function PlaceholderImg(props: { image: object; src: string; alt: string; width: number; height: number; loading?: 'lazy' | 'eager' }) {
  const { image, ...img } = props;
  const [loaded, setLoaded] = useState(false);
  return <img {...img} style={loaded ? undefined : placeholderBackground(image)} onLoad={() => setLoaded(true)} />;
}
