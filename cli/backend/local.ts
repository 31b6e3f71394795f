import { invalid } from '../../src/core/errors';
import type { Core } from '../../src/core-services';
import { presentFolder, presentFolderNode, presentImage, presentKey, presentPreset } from '../../src/http/present';
import type { Backend } from './types';

/** Local mode: the core services on the data directory, no server involved. */
export function createLocalBackend(ctx: Pick<Core, 'config' | 'accounts' | 'images' | 'folders' | 'presets' | 'urls' | 'close'>, clientId: string): Backend {
  const { config } = ctx;
  // Absolute URLs need a base even without a server: the public URL, else where `serve` would listen.
  const base = config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port || 3000}`;
  const view = async (image: Parameters<typeof presentImage>[0]) => presentImage(image, await ctx.accounts.getClient(clientId), base);

  return {
    mode: 'local',
    uploadImage: async (input) => view(await ctx.images.upload(clientId, input)),
    replaceImage: async (id, data) => view(await ctx.images.replace(clientId, id, data)),
    async listImages(query) {
      const page = await ctx.images.list(clientId, { ...query, page: query.page ?? 1, pageSize: query.pageSize ?? 24 });
      const client = await ctx.accounts.getClient(clientId);
      return { ...page, items: page.items.map((image) => presentImage(image, client, base)) };
    },
    getImage: async (id) => view(await ctx.images.get(clientId, id)),
    deleteImage: (id) => ctx.images.delete(clientId, id),
    folderTree: async () => (await ctx.folders.tree(clientId)).map(presentFolderNode),
    async createFolder(path) {
      const { folder } = await ctx.folders.ensure(clientId, path);
      if (!folder) throw invalid('path must name a folder, not the root');
      return presentFolder(folder);
    },
    renameFolder: async (id, name) => presentFolder(await ctx.folders.rename(clientId, id, name)),
    deleteFolder: async (id) => {
      await ctx.folders.delete(clientId, id);
    },
    async sign(input) {
      const { path, canonical, format } = await ctx.urls.sign(clientId, input);
      return { url: base + path, canonical, format };
    },
    listPresets: async () => (await ctx.presets.list(clientId)).map(presentPreset),
    createPreset: async (name, params) => presentPreset(await ctx.presets.create(clientId, name, params)),
    deletePreset: (id) => ctx.presets.delete(clientId, id),
    listKeys: async () => (await ctx.accounts.listKeys(clientId)).map(presentKey),
    async createKey(name) {
      const { key, apiKey } = await ctx.accounts.createKey(clientId, name);
      return { ...presentKey(key), apiKey };
    },
    revokeKey: (id) => ctx.accounts.revokeKey(clientId, id),
    close: () => ctx.close(),
  };
}
