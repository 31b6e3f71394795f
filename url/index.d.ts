/**
 * The extension of a delivery URL. `jpeg` is written `.jpg`, as the server writes it.
 * There is no `auto`: with `f_auto` in the transform or preset, give any format (the
 * server negotiates from `Accept`; `webp` is what `/sign` writes).
 */
export type UrlFormat = 'webp' | 'jpeg' | 'jpg' | 'png' | 'avif' | 'gif';

export interface PresetUrlOptions {
  /** The server's public address, e.g. `https://img.example.com` (a trailing slash is fine). */
  baseUrl: string;
  clientId: string;
  imageId: string;
  /** The preset's name. */
  preset: string;
  /** One of a width-set preset's widths (integer 1–8192): adds the `w_<N>` segment. */
  width?: number;
  format: UrlFormat;
  /** The image's `version`: adds `?v=<version>`, so a replaced image's URLs are new to browsers and CDNs. */
  version?: number;
}

export interface PresetSrcsetOptions extends Omit<PresetUrlOptions, 'width'> {
  /** Widths of a width-set preset; sorted and deduplicated in the result. */
  widths: readonly number[];
}

export interface SignedUrlOptions {
  baseUrl: string;
  clientId: string;
  /** The client's signing secret (`imgapi client secret <clientId>`): server side only. */
  secret: string;
  imageId: string;
  /**
   * `key_value` segments, e.g. `w_600,f_webp,q_80`. Keys are put into the server's canonical
   * order; values are kept as written. Absent: the full-size image.
   */
  transform?: string;
  /**
   * The extension when the transform has no concrete `f` (default `webp`, as `/sign`);
   * with a concrete `f` it may be omitted and must agree.
   */
  format?: UrlFormat;
  /** The image's `version`: adds `?v=<version>`, as `/sign` does, so a replaced image gets new URLs. */
  version?: number;
  /**
   * Seconds from now (an integer, 1 to ten years) until the URL answers 410: adds
   * `exp_<unix seconds>` to the signed transform, as `/sign`'s `expiresIn` does. Caches keep
   * the response only for the seconds left.
   */
  expiresIn?: number;
}

/** The `placeholder` object of an image (any extra fields are ignored). */
export interface Placeholder {
  /** `#rrggbb`. */
  color?: string;
  thumbhash?: string;
  blurhash?: string;
  /** `data:image/webp;base64,…` (PNG and JPEG are accepted too). */
  dataUri?: string;
}

/** The server's canonical transform key order: w, h, c, f, q, dpr, g, cr, a, flip, trim, b, blur, sharpen, e, fr, exp. */
export declare const CANONICAL_KEYS: readonly string[];

/** `<baseUrl>/t/<clientId>/preset:<name>[/w_<N>]/<imageId>.<ext>`; unsigned. Throws TypeError on bad input. */
export declare function presetUrl(options: PresetUrlOptions): string;

/** `"<url> 320w, <url> 640w"`: one `presetUrl` per width, ascending, deduplicated. */
export declare function presetSrcset(options: PresetSrcsetOptions): string;

/**
 * A signed delivery URL, equal to what `POST /api/v1/sign` returns for a transform whose values
 * are written canonically (`f_jpeg`, `q_auto`, `b` in lower case, `dpr_2`) when `version` is the
 * image's. Any other spelling the server accepts still verifies. Throws TypeError on bad input.
 */
export declare function signedUrl(options: SignedUrlOptions): Promise<string>;

/**
 * `background-color:#…;background-image:url(data:…);background-size:cover`, keeping only a valid
 * colour and data URI; `''` for null, undefined or nothing valid. Safe inside a `style` attribute.
 */
export declare function placeholderStyle(placeholder: Placeholder | null | undefined): string;
