import { expect, test } from 'bun:test';
import { createLru } from '../../src/core/lru';

test('evicts the least recently used entries beyond the weight budget', () => {
  const evicted: string[] = [];
  const lru = createLru<number>({ maxWeight: 3, onEvict: (key) => evicted.push(key) });
  for (const key of ['a', 'b', 'c']) lru.set(key, 1);
  for (let i = 0; i < 5; i++) lru.get('a'); // a is hot
  lru.set('d', 1);
  expect(evicted).toEqual(['b']);
  lru.set('e', 1);
  expect(evicted).toEqual(['b', 'c']);
  expect(lru.get('a')).toBe(1);
  expect([lru.size, lru.weight]).toEqual([3, 3]);
});

test('a hot key survives many newer insertions; weights count and oversized values are refused', () => {
  const lru = createLru<Uint8Array>({ maxWeight: 100, weigh: (v) => v.byteLength });
  lru.set('hot', new Uint8Array(10));
  for (let i = 0; i < 1000; i++) {
    lru.set(`k${i}`, new Uint8Array(10));
    expect(lru.get('hot')).toBeDefined();
  }
  expect(lru.weight).toBeLessThanOrEqual(100);
  lru.set('huge', new Uint8Array(101));
  expect(lru.has('huge')).toBe(false);
  lru.deleteWhere((key) => key.startsWith('k'));
  expect([lru.size, lru.weight]).toEqual([1, 10]);
});
