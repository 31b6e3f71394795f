import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random bytes, base64url: 22 URL-safe characters, unguessable. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
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
