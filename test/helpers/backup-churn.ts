import { expect } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { apiRequest } from './api';
import type { TestServer } from './server';

/** What one image was after an acknowledged change: live or trashed with a hash, or gone. */
type State = 'absent' | 'gone' | `live:${string}` | `trashed:${string}`;
interface History {
  id: string;
  /** In the order the server acknowledged them; one worker changes one image, so the order is total. */
  states: { state: State; ackedAt: number }[];
}

export const noise = (seed: number) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13) % 256 } } })
    .png()
    .toBuffer()
    .then((b) => new Uint8Array(b));

export interface Churned<T> {
  result: T;
  histories: Map<string, History>;
  began: number;
  ended: number;
  heicId: string;
  trashedId: string;
  /** A signed URL and a preset URL (path and query) made before the backup. */
  signedPath: string;
  presetPath: string;
}

/**
 * Seeds a server (a HEIC with its working master, an image in the trash, a preset, a signed
 * URL), then runs `backup` while uploads, replaces, deletes to the trash, permanent deletes
 * and purges keep being acknowledged; records every acknowledged state with its time.
 */
export async function backupDuringChanges<T>(s: TestServer, backup: () => Promise<T>): Promise<Churned<T>> {
  const histories = new Map<string, History>();
  const record = (id: string, state: State) => {
    const history = histories.get(id) ?? { id, states: [{ state: 'absent' as State, ackedAt: 0 }] };
    history.states.push({ state, ackedAt: performance.now() });
    histories.set(id, history);
  };
  const upload = async (seed: number) => {
    const { status, json } = await s.upload(await noise(seed), `n${seed}.png`);
    expect(status).toBe(201);
    record(json.id, `live:${json.contentHash}`);
    return json.id as string;
  };

  const kept = await upload(1);
  const heic = await s.upload(new Uint8Array(readFileSync(join(import.meta.dir, '../fixtures/heic/plain.heic'))), 'plain.heic');
  expect(heic.status).toBe(201);
  record(heic.json.id, `live:${heic.json.contentHash}`);
  const trashed = await upload(2);
  expect((await s.api('DELETE', `/images/${trashed}`)).status).toBe(204);
  record(trashed, `trashed:${histories.get(trashed)!.states.at(-1)!.state.slice(5)}`);
  const toReplace: string[] = [];
  const toDelete: string[] = [];
  for (let i = 0; i < 8; i++) toReplace.push(await upload(100 + i));
  for (let i = 0; i < 12; i++) toDelete.push(await upload(200 + i));

  expect((await s.api('POST', '/presets', { name: 'card', params: 'w_40,h_30,c_cover' })).status).toBe(201);
  const signed = await s.api('POST', '/sign', { imageId: kept, transform: 'w_40,f_jpg' });
  expect(signed.status).toBe(200);
  const signedPath = new URL(signed.json.url).pathname + new URL(signed.json.url).search;
  const presetPath = `/t/${s.clientId}/preset:card/${kept}.webp`;

  // Changes keep coming while the backup runs, each worker on its own images.
  let running = true;
  let seed = 1000;
  const workers = [
    (async () => {
      while (running) await upload(seed++);
    })(),
    (async () => {
      for (let round = 0; running; round++) {
        const id = toReplace[round % toReplace.length]!;
        const form = new FormData();
        form.append('file', new File([await noise(seed++)], 'r.png'));
        const { status, json } = await s.api('PUT', `/images/${id}`, form);
        expect(status).toBe(200);
        record(id, `live:${json.contentHash}`);
      }
    })(),
    (async () => {
      for (let i = 0; running && i < toDelete.length; i++) {
        const id = toDelete[i]!;
        const hash = histories.get(id)!.states.at(-1)!.state.slice(5);
        // Alternately to the trash, for good, and out of the trash for good (a purge).
        const kind = i % 3;
        expect((await s.api('DELETE', `/images/${id}${kind === 1 ? '?permanent=true' : ''}`)).status).toBe(204);
        record(id, kind === 1 ? 'gone' : `trashed:${hash}`);
        if (kind === 2) {
          expect((await s.api('DELETE', `/images/${id}?permanent=true`)).status).toBe(204);
          record(id, 'gone');
        }
        await Bun.sleep(20);
      }
    })(),
  ];
  await Bun.sleep(100);

  const began = performance.now();
  let result: T;
  try {
    result = await backup();
  } finally {
    running = false;
  }
  const ended = performance.now();
  await Promise.all(workers);
  // The backup really ran among changes.
  const during = [...histories.values()].flatMap((h) => h.states).filter((x) => x.ackedAt > began && x.ackedAt < ended).length;
  expect(during).toBeGreaterThan(3);
  return { result, histories, began, ended, heicId: heic.json.id, trashedId: trashed, signedPath, presetPath };
}

/**
 * Against a server restored from that backup: every image is in the last state acknowledged
 * before the backup began or a later one (with the same content hash, live ones transformable
 * from their restored original), and the old signed and preset URLs still answer.
 */
export async function expectRestored(restoredUrl: string, apiKey: string, churned: Churned<unknown>, backedUpKeys: string[], clientId: string): Promise<void> {
  const api = (method: string, path: string) => apiRequest(restoredUrl, apiKey, method, path);
  const trash = (await api('GET', '/trash?pageSize=100')).json.items as { image: { id: string; contentHash: string } }[];
  const observed = async (id: string): Promise<State> => {
    const got = await api('GET', `/images/${id}`);
    if (got.status === 200) {
      // Its original is there: a transform of it is made from the restored file.
      const thumb = await fetch(restoredUrl + new URL(got.json.thumbnailUrl).pathname + new URL(got.json.thumbnailUrl).search);
      expect(thumb.status).toBe(200);
      return `live:${got.json.contentHash}`;
    }
    expect(got.status).toBe(404);
    const inTrash = trash.find((item) => item.image.id === id);
    if (inTrash) {
      expect(backedUpKeys.some((key) => key.startsWith(`${clientId}/${id}/`))).toBe(true);
      return `trashed:${inTrash.image.contentHash}`;
    }
    return 'gone';
  };
  const wrong: unknown[] = [];
  let checkedBefore = 0;
  for (const history of churned.histories.values()) {
    // The last state acknowledged before the backup began, or any later one (changes made while it ran may be in).
    const first = history.states.findLastIndex((x) => x.ackedAt < churned.began);
    if (history.states[first]!.state !== 'absent') checkedBefore++;
    const allowed: State[] = history.states.slice(first).map((x) => (x.state === 'absent' ? 'gone' : x.state));
    const state = await observed(history.id);
    if (!allowed.includes(state)) wrong.push({ id: history.id, state, allowed });
  }
  expect(wrong).toEqual([]);
  expect(checkedBefore).toBeGreaterThan(20);

  for (const path of [churned.signedPath, churned.presetPath]) {
    const response = await fetch(restoredUrl + path);
    expect(response.status).toBe(200);
    const meta = await sharp(new Uint8Array(await response.arrayBuffer())).metadata();
    expect(meta.width).toBe(40);
  }
}
