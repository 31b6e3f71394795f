import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsBlobStore } from '../../src/storage/fs-blob-store';
import { withLocalCopies } from '../../src/storage/with-local-copies';

const bytes = (text: string) => new TextEncoder().encode(text);

test('a bucket seen without tiers: writes go to the bucket only, purges reach the local copies too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-copies-'));
  try {
    // The filesystem stands in for the bucket: the wrapper only routes calls.
    const bucket = createFsBlobStore({ root: join(dir, 'bucket') });
    const copies = createFsBlobStore({ root: join(dir, 'copies') });
    const store = withLocalCopies(bucket, copies);

    await store.put('c/img/v1/a.webp', bytes('a'));
    expect(await copies.exists('c/img/v1/a.webp')).toBe(false);
    expect(await store.list()).toEqual(['c/img/v1/a.webp']);

    // Copies a server made earlier, one of them of an object the bucket has since lost.
    await copies.put('c/img/v1/a.webp', bytes('a'));
    await copies.put('c/img/v1/b.webp', bytes('b'));
    expect(await store.exists('c/img/v1/b.webp')).toBe(true);
    expect(await store.list()).toEqual(['c/img/v1/a.webp']);

    await store.deletePrefix('c/img');
    expect([await bucket.list(), await copies.list()]).toEqual([[], []]);

    await bucket.put('c/other', bytes('x'));
    await copies.put('c/other', bytes('x'));
    await store.delete('c/other');
    expect([await bucket.exists('c/other'), await copies.exists('c/other')]).toEqual([false, false]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
