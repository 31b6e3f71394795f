import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { listen } from '../../src/http/app';
import { createApiClient, type ApiClient } from '../../src/client/api-client';
import { apiRequest } from './api';

export interface TestServer {
  url: string;
  ctx: AppContext;
  dataDir: string;
  clientId: string;
  apiKey: string;
  secret: string;
  /** The API's typed client, with this client's key. */
  client: ApiClient;
  /** A raw JSON (or multipart when body is FormData) request to /api/v1 with a key: for what a typed client would not send. */
  api(method: string, path: string, body?: unknown, apiKey?: string): Promise<{ status: number; json: any; headers: Headers }>;
  upload(file: Uint8Array, name: string, folder?: string, apiKey?: string): Promise<{ status: number; json: any }>;
  /** `keepData`: leave the data directory for a server started on it again. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A real daemon on a loopback port over a fresh temporary data directory. */
/** `clientId`: the test client's id (another on a data directory a server ran on before). */
export async function startServer(env: Record<string, string> = {}, options: { dataDir?: string; clientId?: string } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'imgapi-test-'));
  const ctx = await createContext(loadConfig({ IMGAPI_CONCURRENCY: '2', IMGAPI_LOG: 'off', ...env }, { data: dataDir, port: 0 }));
  // Client names are unique: a second server on the same data directory names its own client after its id.
  const name = options.clientId === undefined ? 'Test client' : `Test client ${options.clientId}`;
  const { client: tenant, apiKey } = await ctx.accounts.createClient(name, options.clientId ?? 'test');
  const server = listen(ctx, { host: '127.0.0.1', port: 0 });

  const api: TestServer['api'] = (method, path, body, key = apiKey.apiKey) => apiRequest(server.url, key, method, path, body);
  const typed = (key: string) => createApiClient(server.url, { headers: () => ({ 'x-api-key': key }) });
  const typedClient = typed(apiKey.apiKey);

  return {
    url: server.url,
    ctx,
    dataDir,
    clientId: tenant.id,
    apiKey: apiKey.apiKey,
    secret: tenant.signingSecret,
    client: typedClient,
    api,
    async upload(file, name, folder, key) {
      const { data, error, status } = await (key ? typed(key) : typedClient).v1.images.post({
        file: new File([file as Uint8Array<ArrayBuffer>], name),
        // The client would send an undefined field as the text "undefined".
        ...(folder === undefined ? {} : { folder }),
      });
      return { status, json: data ?? error?.value };
    },
    async stop(options = {}) {
      await server.stop();
      await ctx.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another node of the same installation, in this process: its own data directory (caches),
 * the database and storage `env` names, no client of its own.
 */
export async function startNode(env: Record<string, string>): Promise<{ ctx: AppContext; url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'imgapi-node-'));
  const ctx = await createContext(loadConfig({ IMGAPI_CONCURRENCY: '2', IMGAPI_LOG: 'off', ...env }, { data: dataDir, port: 0 }));
  const server = listen(ctx, { host: '127.0.0.1', port: 0 });
  return {
    ctx,
    url: server.url,
    async stop() {
      await server.stop();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
