import { createApi, type Caller } from '../../src/api';
import { createLimiter } from '../../src/core/limiter';
import type { Core } from '../../src/core-services';
import { createDeliveryRuntime } from '../../src/delivery-runtime';
import { openTieredStorage } from '../../src/storage/open-storage';
import { LOCAL_ACTOR, toWireQuery, type Backend } from './types';

/** Local mode: the API's use cases on the data directory's core services, no server involved. */
export function createLocalBackend(core: Core, clientId: string): Backend {
  const { config } = core;
  const api = createApi(core);
  // Absolute URLs need a base even without a server: the public URL, else where `serve` would listen.
  const base = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port || 3000}`;
  const caller: Caller = { clientId, base, actor: LOCAL_ACTOR, address: null };

  return {
    mode: 'local',
    listAudit: (query) => api.audit.list({ visibleClients: null }, query),
    usage: (query) => api.usage.get(caller, query),
    quotas: () => api.quotas.status(caller),
    async setQuotas(patch) {
      await api.quotas.set(caller, clientId, patch);
      return api.quotas.status(caller);
    },
    uploadImage: (input) => api.images.upload(caller, input),
    replaceImage: (id, data) => api.images.replace(caller, id, data),
    listImages: (query) => api.images.list(caller, toWireQuery(query)),
    getImage: (id) => api.images.get(caller, id),
    updateImage: (id, patch) => api.images.update(caller, id, patch),
    deleteImage: (id) => api.images.delete(caller, id),
    listTrash: (query) => api.trash.list(caller, query),
    restoreImage: (id) => api.trash.restore(caller, id),
    bulkImages: (body) => api.bulk.change(caller, body),
    folderTree: async () => (await api.folders.tree(caller)).folders,
    createFolder: async (path) => (await api.folders.create(caller, path)).folder,
    renameFolder: (id, name) => api.folders.rename(caller, id, name),
    deleteFolder: (id) => api.folders.delete(caller, id),
    sign: (input) => api.sign.sign(caller, input),
    embed: (id, query) => api.embed.embed(caller, id, query),
    listPresets: async () => (await api.presets.list(caller)).items,
    createPreset: (input) => api.presets.create(caller, input),
    updatePreset: (id, patch) => api.presets.update(caller, id, patch),
    deletePreset: (id) => api.presets.delete(caller, id),
    warmPreset: (id, folder) => api.presets.warm(caller, id, { folder }),
    warmProgress: (id, since) => api.presets.warmProgress(caller, id, since),
    async workEagerQueue() {
      // Variants go where a server on this data directory looks them up: its cache tiers.
      // No misses to serve here: the eager lanes may take every transform slot.
      const transforms = createLimiter(config.concurrency, config.queueMax, { backgroundSlots: Math.max(1, config.eagerConcurrency), servesMisses: false });
      const runtime = await createDeliveryRuntime({ ...core, transforms }, openTieredStorage(config), { ...config, eagerConcurrency: Math.max(1, config.eagerConcurrency) });
      return () => runtime.stop();
    },
    listKeys: async () => (await api.keys.list(caller)).items,
    createKey: (name) => api.keys.create(caller, name),
    revokeKey: (id) => api.keys.revoke(caller, id),
    rotateSigningSecret: (input) => api.signingSecret.rotate(caller, input),
    listPurgeTargets: async () => (await api.purgeTargets.list(caller)).items,
    createPurgeTarget: (input) => api.purgeTargets.create(caller, input),
    deletePurgeTarget: (id) => api.purgeTargets.delete(caller, id),
    purgeTargetLog: async (id) => (await api.purgeTargets.deliveries(caller, id)).items,
    listWebhooks: async () => (await api.webhooks.list(caller)).items,
    createWebhook: (input) => api.webhooks.create(caller, input),
    deleteWebhook: (id) => api.webhooks.delete(caller, id),
    webhookDeliveries: async (id) => (await api.webhooks.deliveries(caller, id)).items,
    testWebhook: (id) => api.webhooks.test(caller, id),
    close: () => core.close(),
  };
}
