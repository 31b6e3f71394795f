import { t, type Static } from 'elysia';
import { Integer } from './integer';
import type { ApiServices, Caller } from './services';

export const UsageView = t.Object(
  {
    images: Integer({ description: 'Images in the library (the trash not counted)' }),
    originalBytes: Integer({ description: 'Bytes of their originals, as uploaded' }),
  },
  { title: 'Usage' },
);
export type UsageView = Static<typeof UsageView>;

/** What the calling client stores. */
export function usageApi(services: Pick<ApiServices, 'usage'>) {
  return {
    get: (caller: Caller): Promise<UsageView> => services.usage.ofClient(caller.clientId),
  };
}
