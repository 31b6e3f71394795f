import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { listen } from '../../src/http/app';
import { apiRequest, fileForm } from './api';

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

  const api: TestServer['api'] = (method, path, body, key = apiKey.apiKey) => apiRequest(server.url, key, method, path, body);

  return {
    url: server.url,
    ctx,
    dataDir,
    clientId: client.id,
    apiKey: apiKey.apiKey,
    secret: client.signingSecret,
    api,
    async upload(file, name, folder, key) {
      const { status, json } = await api('POST', '/images', fileForm(file, name, folder), key);
      return { status, json };
    },
    async stop() {
      await server.stop();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
