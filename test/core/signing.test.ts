import { describe, expect, test } from 'bun:test';
import { signPath, verifyPath, verifyWithSecrets } from '../../src/core/signing';

// Pinned vectors, computed independently of this code with
// `printf %s "$MSG" | openssl dgst -sha256 -hmac "$SECRET" -binary | head -c16 | basenc --base64url`.
const SECRET = 'k3Xq0Zr9Vb2Lw8Nc5Tf1Hy7Ud4Sa6Gm0Pe3Jo9Ri2Yu';
const VECTORS: [string, string, string][] = [
  ['acme', 'w_600,f_webp,q_80/abc123.webp', '3gjMdhj3HlYNDVFa7U_xFg'],
  ['acme', 'abc123.webp', 'FKd06IwHQfZdl6fodtD-sw'],
  ['default', 'w_240,f_webp,q_75/IMAGEID.webp', 'ZgWE5p2rt-eseiS5KFriog'],
];

describe('signPath', () => {
  for (const [clientId, rest, expected] of VECTORS) {
    test(`${clientId}/${rest}`, () => {
      const signature = signPath(SECRET, clientId, rest);
      expect(signature).toBe(expected);
      expect(signature).toHaveLength(22);
      expect(verifyPath(SECRET, clientId, rest, signature)).toBe(true);
    });
  }

  test('any change to client, path, secret or signature fails verification', () => {
    const signature = signPath(SECRET, 'acme', 'w_600/abc.webp');
    expect(verifyPath(SECRET, 'acme2', 'w_600/abc.webp', signature)).toBe(false);
    expect(verifyPath(SECRET, 'acme', 'w_601/abc.webp', signature)).toBe(false);
    expect(verifyPath(SECRET, 'acme', 'w_600/abc.png', signature)).toBe(false);
    expect(verifyPath(`${SECRET}x`, 'acme', 'w_600/abc.webp', signature)).toBe(false);
    expect(verifyPath(SECRET, 'acme', 'w_600/abc.webp', signature.slice(0, 21))).toBe(false);
    expect(verifyPath(SECRET, 'acme', 'w_600/abc.webp', `${signature}A`)).toBe(false);
    const flipped = signature.replace(/[a-z]/, (c) => c.toUpperCase());
    if (flipped !== signature) expect(verifyPath(SECRET, 'acme', 'w_600/abc.webp', flipped)).toBe(false);
    const lastChanged = signature.slice(0, 21) + (signature[21] === 'A' ? 'B' : 'A');
    expect(verifyPath(SECRET, 'acme', 'w_600/abc.webp', lastChanged)).toBe(false);
  });
});

describe('verifyWithSecrets: the current secret, and the previous one during its grace', () => {
  const rest = 'w_600,exp_1900000000/abc.webp';
  const byCurrent = signPath('new-secret', 'acme', rest);
  const byPrevious = signPath(SECRET, 'acme', rest);
  const cases: [string, string, string | null, string | null][] = [
    ['current secret', byCurrent, SECRET, 'current'],
    ['previous secret in its grace', byPrevious, SECRET, 'previous'],
    ['previous secret without a grace', byPrevious, null, null],
    ['current secret, no previous', byCurrent, null, 'current'],
    ['neither', signPath('other', 'acme', rest), SECRET, null],
    ['a truncated signature', byPrevious.slice(0, 21), SECRET, null],
  ];
  for (const [name, signature, previous, expected] of cases) {
    test(name, () => expect(verifyWithSecrets({ current: 'new-secret', previous }, 'acme', rest, signature)).toBe(expected as never));
  }
});
