import { expect, test } from 'bun:test';
import { newApiKey, newId, newSigningSecret } from '../../src/core/ids';

test('ids are 22 URL-safe characters that never start like a command-line option', () => {
  const ids = Array.from({ length: 5000 }, newId);
  for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
  expect(new Set(ids).size).toBe(ids.length);
});

test('secrets and keys have the documented shapes', () => {
  expect(newSigningSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newApiKey()).toMatch(/^isk_[A-Za-z0-9]{40}$/);
});
