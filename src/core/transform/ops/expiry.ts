import { defineOp, InvalidValue } from './op';

/** 9999-12-31T23:59:59Z: a later time is no time a URL is meant to last until. */
export const MAX_EXPIRY = 253_402_300_799;

const UNIX_SECONDS = /^[1-9][0-9]{0,11}$/;

/**
 * `exp_<unix seconds>`: the URL answers 410 from that second on. It changes no pixel, so the
 * plan (and with it the variant key) never sees it: every expiry of a transform shares one file.
 * Delivery reads it; a preset cannot carry it (its URLs are unsigned, so anyone could strip it).
 */
export const expiry = defineOp({
  key: 'exp',
  doc: {
    meaning: 'expiry of a signed URL',
    values: 'unix time in seconds: from then on the URL answers 410 `expired`; before, it is cached for the seconds left only. Signed URLs only (not in presets); the cached variant is shared by every expiry',
  },
  parse: (raw) => {
    const value = UNIX_SECONDS.test(raw) ? Number(raw) : NaN;
    if (!(value <= MAX_EXPIRY)) throw new InvalidValue(`expected unix seconds up to ${MAX_EXPIRY}`);
    return value;
  },
  text: String,
  stage: null,
});
