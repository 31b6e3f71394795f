import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature length in characters: 16 bytes, base64url without padding. */
export const SIGNATURE_LENGTH = 22;

/**
 * The delivery signature (SPEC §5): first 16 bytes of HMAC-SHA256 keyed with the client's
 * secret (its UTF-8 bytes) over `<clientId>/<rest>`, where rest is the path after the
 * signature segment exactly as requested, e.g. `w_600,f_webp/IMAGEID.webp`.
 */
export function signPath(secret: string, clientId: string, rest: string): string {
  return createHmac('sha256', secret).update(`${clientId}/${rest}`).digest().subarray(0, 16).toString('base64url');
}

/**
 * Constant-time check. The encoded strings are compared, not decoded bytes: base64url's
 * unused trailing bits would otherwise let several spellings of one signature pass.
 */
export function verifyPath(secret: string, clientId: string, rest: string, signature: string): boolean {
  const given = Buffer.from(signature);
  if (given.length !== SIGNATURE_LENGTH) return false;
  return timingSafeEqual(Buffer.from(signPath(secret, clientId, rest)), given);
}

/** Which of a client's secrets a signature verifies with, if any. */
export type SignedWith = 'current' | 'previous' | null;

/**
 * Checks a signature against the current secret and, while its grace lasts, the previous one.
 * Both comparisons always run, each constant-time, so the timing tells neither the signature
 * nor which secret matched.
 */
export function verifyWithSecrets(
  secrets: { current: string; previous: string | null },
  clientId: string,
  rest: string,
  signature: string,
): SignedWith {
  const current = verifyPath(secrets.current, clientId, rest, signature);
  const previous = verifyPath(secrets.previous ?? secrets.current, clientId, rest, signature) && secrets.previous !== null;
  return current ? 'current' : previous ? 'previous' : null;
}
