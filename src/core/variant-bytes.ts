import type { BlobStore } from './ports';

/**
 * Bytes of the variants stored per client, from one listing of the variant store (the cache
 * directory, or the bucket when there is one: what is really stored, whatever this node keeps).
 * Variant keys start with the client's id. A listing serves every client for `maxAgeMs`, and
 * concurrent askers share one: its cost is paid at most once a period, and only when asked.
 */
export function createVariantBytes(deps: { variants: Pick<BlobStore, 'listWithSizes'>; maxAgeMs: number; now?: () => number }) {
  const now = deps.now ?? Date.now;
  let measured: { at: number; byClient: Map<string, number> } | null = null;
  let measuring: Promise<Map<string, number>> | null = null;

  async function measure(): Promise<Map<string, number>> {
    const byClient = new Map<string, number>();
    for (const { key, size } of await deps.variants.listWithSizes()) {
      const slash = key.indexOf('/');
      if (slash <= 0) continue;
      const clientId = key.slice(0, slash);
      byClient.set(clientId, (byClient.get(clientId) ?? 0) + size);
    }
    measured = { at: now(), byClient };
    return byClient;
  }

  return {
    async ofClient(clientId: string): Promise<number> {
      const fresh = measured && now() - measured.at < deps.maxAgeMs ? measured.byClient : null;
      const byClient = fresh ?? (await (measuring ??= measure().finally(() => (measuring = null))));
      return byClient.get(clientId) ?? 0;
    },
  };
}

export type VariantBytes = ReturnType<typeof createVariantBytes>;
