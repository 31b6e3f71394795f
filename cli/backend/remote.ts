import { AppError, type ErrorCode } from '../../src/core/errors';
import type { Backend, ImagePage, ListImagesQuery } from './types';

const CALL_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** The server could not be reached at all (as opposed to answering with an error). */
export class UnreachableError extends Error {}

/** Remote mode: a typed client of /api/v1 that turns error bodies back into AppErrors. */
export function createRemoteBackend(options: { url: string; apiKey: string }): Backend {
  const base = `${options.url.replace(/\/+$/, '')}/api/v1`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-api-key': options.apiKey };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    try {
      // A server that dies mid-request must not leave the CLI (or `watch`) waiting forever.
      const timeout = body instanceof FormData ? UPLOAD_TIMEOUT_MS : CALL_TIMEOUT_MS;
      // No pooled connections: a connection kept from before a server restart must not be reused.
      response = await fetch(base + path, { method, headers, body: payload, signal: AbortSignal.timeout(timeout), keepalive: false });
    } catch (error) {
      throw new UnreachableError(`Cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AppError((err?.code as ErrorCode) ?? 'internal', err?.message ?? `HTTP ${response.status} from ${options.url}`);
    }
    return json as T;
  }

  const fileForm = (data: Uint8Array, fileName: string, folder?: string) => {
    const form = new FormData();
    form.append('file', new File([data as Uint8Array<ArrayBuffer>], fileName));
    if (folder !== undefined) form.append('folder', folder);
    return form;
  };

  const query = (q: ListImagesQuery) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(q)) if (value !== undefined) params.set(key, String(value));
    return params.size ? `?${params}` : '';
  };

  return {
    mode: 'remote',
    uploadImage: (input) => call('POST', '/images', fileForm(input.data, input.fileName, input.folder)),
    replaceImage: (id, data) => call('PUT', `/images/${encodeURIComponent(id)}`, fileForm(data, 'replacement')),
    listImages: (q) => call<ImagePage>('GET', `/images${query(q)}`),
    getImage: (id) => call('GET', `/images/${encodeURIComponent(id)}`),
    deleteImage: (id) => call('DELETE', `/images/${encodeURIComponent(id)}`),
    folderTree: async () => (await call<{ folders: Awaited<ReturnType<Backend['folderTree']>> }>('GET', '/folders')).folders,
    createFolder: (path) => call('POST', '/folders', { path }),
    renameFolder: (id, name) => call('PATCH', `/folders/${encodeURIComponent(id)}`, { name }),
    deleteFolder: (id) => call('DELETE', `/folders/${encodeURIComponent(id)}`),
    sign: (input) => call('POST', '/sign', input),
    listPresets: async () => (await call<{ items: Awaited<ReturnType<Backend['listPresets']>> }>('GET', '/presets')).items,
    createPreset: (name, params) => call('POST', '/presets', { name, params }),
    deletePreset: (id) => call('DELETE', `/presets/${encodeURIComponent(id)}`),
    listKeys: async () => (await call<{ items: Awaited<ReturnType<Backend['listKeys']>> }>('GET', '/keys')).items,
    createKey: (name) => call('POST', '/keys', { name }),
    revokeKey: (id) => call('DELETE', `/keys/${encodeURIComponent(id)}`),
    close: async () => {},
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
