import { createApiClient, pathParam as param, unwrap } from '../../src/client/api-client';
import { toWireQuery, type Backend } from './types';
import { AppError } from '../../src/core/errors';

const CALL_TIMEOUT_MS = 30_000;
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** The server could not be reached at all (as opposed to answering with an error). */
export class UnreachableError extends Error {}

/** Remote mode: the API's typed client, with error bodies turned back into AppErrors. */
export function createRemoteBackend(options: { url: string; apiKey: string }): Backend {
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    try {
      // A server that dies mid-request must not leave the CLI (or `watch`) waiting forever.
      const timeout = init?.body instanceof FormData ? UPLOAD_TIMEOUT_MS : CALL_TIMEOUT_MS;
      // No pooled connections: a connection kept from before a server restart must not be reused.
      return await fetch(input, { ...init, signal: AbortSignal.timeout(timeout), keepalive: false });
    } catch (error) {
      throw new UnreachableError(`Cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }) as typeof fetch;
  const { v1 } = createApiClient(options.url, { headers: () => ({ 'x-api-key': options.apiKey }), fetcher });
  const file = (data: Uint8Array, name: string) => new File([data as Uint8Array<ArrayBuffer>], name);

  return {
    mode: 'remote',
    listAudit: (query) => unwrap(v1.audit.get({ query })),
    usage: (query) => unwrap(v1.usage.get({ query })),
    quotas: () => unwrap(v1.quotas.get()),
    setQuotas: async () => {
      throw new AppError('forbidden', "Setting quotas needs an owner or admin: run it on the server's data directory (--data, local mode) or use the dashboard's Settings page; an API key cannot change its own client's limits");
    },
    uploadImage: (input) => unwrap(v1.images.post({ file: file(input.data, input.fileName), folder: input.folder })),
    replaceImage: (id, data) => unwrap(v1.images(param(id)).put({ file: file(data, 'replacement') })),
    listImages: (query) => unwrap(v1.images.get({ query: toWireQuery(query) })),
    getImage: (id) => unwrap(v1.images(param(id)).get()),
    updateImage: (id, patch) => unwrap(v1.images(param(id)).patch(patch)),
    deleteImage: async (id) => {
      await unwrap(v1.images(param(id)).delete());
    },
    listTrash: (query) => unwrap(v1.trash.get({ query })),
    restoreImage: (id) => unwrap(v1.images(param(id)).restore.post()),
    bulkImages: (body) => unwrap(v1.images.bulk.post(body)),
    folderTree: async () => (await unwrap(v1.folders.get())).folders,
    createFolder: (path) => unwrap(v1.folders.post({ path })),
    renameFolder: (id, name) => unwrap(v1.folders(param(id)).patch({ name })),
    deleteFolder: async (id) => {
      await unwrap(v1.folders(param(id)).delete());
    },
    sign: (input) => unwrap(v1.sign.post(input)),
    embed: (id, query) => unwrap(v1.images(param(id)).embed.get({ query })),
    listPresets: async () => (await unwrap(v1.presets.get())).items,
    createPreset: (input) => unwrap(v1.presets.post(input)),
    updatePreset: (id, patch) => unwrap(v1.presets(param(id)).patch(patch)),
    deletePreset: async (id) => {
      await unwrap(v1.presets(param(id)).delete());
    },
    warmPreset: (id, folder) => unwrap(v1.presets(param(id)).warm.post(folder === undefined ? {} : { folder })),
    warmProgress: (id, since) => unwrap(v1.presets(param(id)).warm.get(since === undefined ? {} : { query: { since } })),
    listKeys: async () => (await unwrap(v1.keys.get())).items,
    createKey: (name) => unwrap(v1.keys.post({ name })),
    revokeKey: async (id) => {
      await unwrap(v1.keys(param(id)).delete());
    },
    rotateSigningSecret: (input) => unwrap(v1['signing-secret'].rotate.post(input)),
    listPurgeTargets: async () => (await unwrap(v1['purge-targets'].get())).items,
    createPurgeTarget: (input) => unwrap(v1['purge-targets'].post(input)),
    deletePurgeTarget: async (id) => {
      await unwrap(v1['purge-targets'](param(id)).delete());
    },
    purgeTargetLog: async (id) => (await unwrap(v1['purge-targets'](param(id)).deliveries.get())).items,
    listWebhooks: async () => (await unwrap(v1.webhooks.get())).items,
    createWebhook: (input) => unwrap(v1.webhooks.post(input)),
    deleteWebhook: async (id) => {
      await unwrap(v1.webhooks(param(id)).delete());
    },
    webhookDeliveries: async (id) => (await unwrap(v1.webhooks(param(id)).deliveries.get())).items,
    testWebhook: (id) => unwrap(v1.webhooks(param(id)).test.post()),
    close: async () => {},
  };
}
