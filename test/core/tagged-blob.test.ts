import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitTags, withTags } from '../../src/core/tagged-blob';
import { createTieredStore } from '../../src/core/tiered-store';
import { createFsBlobStore } from '../../src/storage/fs-blob-store';

const body = Uint8Array.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);

describe('tagged blobs', () => {
  test('tags round-trip; the body is the original bytes', () => {
    const { body: back, tags } = splitTags(withTags(body, { quality: '62' }));
    expect(Array.from(back)).toEqual(Array.from(body));
    expect(tags).toEqual({ quality: '62' });
  });

  test('a blob without a valid trailer is all body', () => {
    const stored = withTags(body, { quality: '62' });
    const cases = [
      body,
      new Uint8Array(0),
      stored.subarray(0, -1), // cut short: no magic at the end
      Uint8Array.from([0, 0, 0, 200, ...stored.subarray(-8)]), // a length reaching before the start
      Uint8Array.from([...body, ...new TextEncoder().encode('[1]'), 0, 0, 0, 3, ...stored.subarray(-8)]), // not an object
      Uint8Array.from([...body, 0, 0, 0xff, 0xff, ...stored.subarray(-8)]), // longer than the limit
    ];
    for (const blob of cases) expect(splitTags(blob)).toEqual({ body: blob, tags: null });
  });
});

describe('tiered store with tags', () => {
  const roots: string[] = [];
  const root = () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgapi-tags-'));
    roots.push(dir);
    return dir;
  };
  afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tiers = { maxDiskBytes: 1 << 20, maxMemoryBytes: 1 << 20, maxMemoryItemBytes: 1 << 20, tagged: true };

  test('tags come back from memory, from disk after a restart, and from the shared store', async () => {
    const local = root();
    const sharedRoot = root();
    const first = createTieredStore(createFsBlobStore({ root: local }), { ...tiers, shared: createFsBlobStore({ root: sharedRoot }) });
    await first.ready;
    await first.put('c/i/v1/a.jpeg', body, { quality: '57' });
    expect(await first.lookup('c/i/v1/a.jpeg')).toMatchObject({ tier: 'memory', tags: { quality: '57' } });
    expect(Array.from(first.peekMemory('c/i/v1/a.jpeg')!)).toEqual(Array.from(body));
    // The file holds the trailer; what is read back never does.
    expect(readFileSync(join(local, 'c/i/v1/a.jpeg')).byteLength).toBeGreaterThan(body.byteLength);

    const restarted = createTieredStore(createFsBlobStore({ root: local }), tiers);
    await restarted.ready;
    const fromDisk = await restarted.lookup('c/i/v1/a.jpeg');
    expect(fromDisk).toMatchObject({ tier: 'disk', tags: { quality: '57' } });
    expect(Array.from(fromDisk!.body)).toEqual(Array.from(body));
    expect(Array.from((await restarted.get('c/i/v1/a.jpeg'))!)).toEqual(Array.from(body));

    const otherNode = createTieredStore(createFsBlobStore({ root: root() }), { ...tiers, shared: createFsBlobStore({ root: sharedRoot }) });
    await otherNode.ready;
    const fromShared = await otherNode.lookup('c/i/v1/a.jpeg');
    expect(fromShared).toMatchObject({ tier: 'shared', tags: { quality: '57' } });
    expect(Array.from(fromShared!.body)).toEqual(Array.from(body));
    expect(await otherNode.lookup('c/i/v1/a.jpeg')).toMatchObject({ tier: 'memory', tags: { quality: '57' } });
  });

  test('an untagged put is stored byte for byte; a store of originals reads no trailer', async () => {
    const local = root();
    const variants = createTieredStore(createFsBlobStore({ root: local }), tiers);
    await variants.put('c/i/v1/b.webp', body);
    expect(Array.from(readFileSync(join(local, 'c/i/v1/b.webp')))).toEqual(Array.from(body));
    expect(await variants.lookup('c/i/v1/b.webp')).toMatchObject({ tags: null });

    const originalsRoot = root();
    const tagged = withTags(body, { quality: '1' });
    await createFsBlobStore({ root: originalsRoot }).put('c/i/o', tagged);
    const originals = createTieredStore(createFsBlobStore({ root: originalsRoot }), { ...tiers, tagged: false });
    expect(Array.from((await originals.get('c/i/o'))!)).toEqual(Array.from(tagged));
    expect(originals.put('c/i/p', body, { quality: '1' })).rejects.toThrow(/no tags/);
  });
});
