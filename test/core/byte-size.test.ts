import { expect, test } from 'bun:test';
import { byteSize } from '../../src/core/byte-size';

test.each([
  [0, '0 B'],
  [1023, '1023 B'],
  [1024, '1 KB'],
  [1536, '1.5 KB'],
  [52_428_800, '50 MB'],
  [3 * 1024 ** 3, '3 GB'],
  [5 * 1024 ** 5, '5120 TB'],
])('%d bytes read as %s', (bytes, shown) => {
  expect(byteSize(bytes)).toBe(shown);
});
