import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { listen } from '../../src/http/app';

export interface TestServer {
  url: string;
  ctx: AppContext;
  dataDir: string;
  clientId: string;
  apiKey: string;
  secret: string;
  /** JSON (or multipart when body is FormData) request to /api/v1 with this client's key. */
  api(method: string, path: string, body?: unknown, apiKey?: string): Promise<{ status: number; json: any; headers: Headers }>;
  upload(file: Uint8Array, name: string, folder?: string, apiKey?: string): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

/** A real daemon on a loopback port over a fresh temporary data directory. */
export async function startServer(env: Record<string, string> = {}, options: { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'imgapi-test-'));
  const ctx = await createContext(loadConfig({ IMGAPI_CONCURRENCY: '2', IMGAPI_LOG: 'off', ...env }, { data: dataDir, port: 0 }));
  const { client, apiKey } = await ctx.accounts.createClient('Test client', 'test');
  const server = listen(ctx, { host: '127.0.0.1', port: 0 });

  const api: TestServer['api'] = async (method, path, body, key = apiKey.apiKey) => {
    const headers: Record<string, string> = { 'x-api-key': key };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${server.url}/api/v1${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
  };

  return {
    url: server.url,
    ctx,
    dataDir,
    clientId: client.id,
    apiKey: apiKey.apiKey,
    secret: client.signingSecret,
    api,
    async upload(file, name, folder, key) {
      const form = new FormData();
      form.append('file', new File([file as Uint8Array<ArrayBuffer>], name));
      if (folder !== undefined) form.append('folder', folder);
      const { status, json } = await api('POST', '/images', form, key);
      return { status, json };
    },
    async stop() {
      await server.stop();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
