import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf, signUrl } from './api';

/** What delivery answered for one transform: the picture as it arrived, and what it is. */
export interface Delivered {
  /** The choice (image version, transform, expiry) this answer is for. */
  for: string;
  /** The signed public URL, to copy. */
  url: string;
  /** The delivered bytes, for the <img>: what is measured is what is shown. */
  objectUrl: string;
  width: number;
  height: number;
  /** From Content-Type: `webp`, `jpeg`, … */
  format: string;
  bytes: number;
  /** The encoder quality delivery reports (`X-Quality`), when it does. */
  quality: string | null;
}

export interface Failed {
  for: string;
  error: string;
}

// What an <img> asks for, so that f_auto picks here what it picks for the page that embeds it.
const IMAGE_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const DEBOUNCE_MS = 300;

/**
 * The same URL on this origin: the signed URL may name a CDN (IMGAPI_PUBLIC_URL), which the
 * dashboard's connect-src does not reach; this server delivers the same path.
 */
export const onThisOrigin = (url: string) => {
  const { pathname, search } = new URL(url, location.href);
  return `${location.origin}${pathname}${search}`;
};

async function deliveryError(response: Response): Promise<string> {
  const body = await response.json().catch(() => null);
  return body?.error?.message ?? `Delivery answered HTTP ${response.status}`;
}

/**
 * Signs a transform (after a pause in typing), fetches what delivery makes of it and measures
 * it: pixel size decoded from the bytes, format from Content-Type, bytes as received. An invalid
 * transform comes back as the server's message, never as a broken image. `answer` is for the
 * choice made now or null while it is on its way; `last` is the last picture, kept on screen
 * (dimmed) meanwhile.
 */
export function useDelivered(imageId: string, version: number, transform: string, expiresIn: number | null) {
  const choice = JSON.stringify([version, transform, expiresIn]);
  const [answer, setAnswer] = useState<Delivered | Failed | null>(null);
  const [last, setLast] = useState<Delivered | null>(null);
  const shownUrl = useRef('');

  useEffect(() => {
    const aborter = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const signed = await signUrl(imageId, { transform, ...(expiresIn === null ? {} : { expiresIn }) });
        const response = await fetch(onThisOrigin(signed.url), { headers: { accept: IMAGE_ACCEPT }, signal: aborter.signal });
        if (!response.ok) throw new Error(await deliveryError(response));
        const blob = await response.blob();
        const bitmap = await createImageBitmap(blob);
        const delivered: Delivered = {
          for: choice,
          url: signed.url,
          objectUrl: URL.createObjectURL(blob),
          width: bitmap.width,
          height: bitmap.height,
          format: blob.type.replace(/^image\//, ''),
          bytes: blob.size,
          quality: response.headers.get('x-quality'),
        };
        bitmap.close();
        if (aborter.signal.aborted) return URL.revokeObjectURL(delivered.objectUrl);
        if (shownUrl.current) URL.revokeObjectURL(shownUrl.current);
        shownUrl.current = delivered.objectUrl;
        setAnswer(delivered);
        setLast(delivered);
      } catch (e) {
        if (!aborter.signal.aborted) setAnswer({ for: choice, error: messageOf(e) });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      aborter.abort();
    };
  }, [choice]);

  useEffect(() => () => URL.revokeObjectURL(shownUrl.current), []);

  return { answer: answer?.for === choice ? answer : null, last };
}
