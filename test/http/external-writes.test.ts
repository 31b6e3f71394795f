import { expect, test } from 'bun:test';
import { signPath } from '../../src/core/signing';
import { runCli } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { startServer } from '../helpers/server';

test('an image deleted by the CLI in local mode, while the server runs, stops being delivered and leaves the listing', async () => {
  const s = await startServer();
  try {
    const { id } = (await s.upload(await jpeg(80, 60), 'cli.jpg')).json;
    const rest = `w_40/${id}.webp`;
    const url = `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
    await fetch(url);
    expect((await fetch(url)).headers.get('x-cache')).toBe('HIT');
    expect((await s.api('GET', '/images')).json.total).toBe(1); // the server now remembers this total
    const deleted = await runCli(['image', 'delete', id, '--client', s.clientId], { env: { IMGAPI_DATA: s.dataDir, HOME: s.dataDir } });
    expect(deleted.code).toBe(0);
    await Bun.sleep(1500); // the server notices another process's commit within 500 ms
    expect((await fetch(url)).status).toBe(404);
    expect((await s.api('GET', '/images')).json).toMatchObject({ total: 0, items: [] });
  } finally {
    await s.stop();
  }
});
