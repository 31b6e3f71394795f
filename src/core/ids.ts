import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 16 random bytes, base64url: 22 URL-safe characters, unguessable. Drawn again when it would
 * start with `-` or `_`, so an id never reads as a command-line option (`imgapi image get -x…`).
 */
export function newId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** 32 bytes of entropy as 43 base64url characters (SPEC §3 signing secret). */
export function newSigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** `isk_` + 40 base62 characters (~238 bits), drawn without modulo bias. */
export function newApiKey(): string {
  let body = '';
  for (let i = 0; i < 40; i++) body += BASE62[randomInt(62)];
  return `isk_${body}`;
}

export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}
