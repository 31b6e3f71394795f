import { t, type Static } from 'elysia';
import { DEFAULT_DAYS, MAX_DAYS } from '../core/usage-report';
import { Integer } from './integer';
import type { ApiServices, Caller } from './services';

const Count = (description: string) => Integer({ minimum: 0, description });

export const UsageDayView = t.Object(
  {
    date: t.String({ description: 'The UTC day, YYYY-MM-DD' }),
    deliveries: Count('Successful /t/ responses (200 or 304, HEAD included)'),
    bytesServed: Count('Body bytes of those responses (none for a 304 or a HEAD)'),
    hits: Count('Deliveries answered from a cache tier'),
    misses: Count('Deliveries that waited for a transform'),
    transforms: Count('Variants computed (misses and eager presets; each once however many requests waited)'),
    uploads: Count('Originals received: new images and replacements'),
  },
  { title: 'UsageDay' },
);

export const UsageView = t.Object(
  {
    images: Count('Images in the library (the trash not counted)'),
    originalsBytes: Count('Bytes of their originals, as uploaded'),
    variantBytes: Count('Bytes of the variants stored for the client (the cache directory, or the bucket); measured at most once a minute'),
    days: t.Array(UsageDayView, { description: 'One entry per day of the range, oldest first, days without traffic included' }),
    deliveries: Count('Deliveries over the range'),
    bytesServed: Count('Bytes served over the range'),
  },
  { title: 'Usage' },
);
export type UsageView = Static<typeof UsageView>;

export const UsageQuery = t.Object({
  from: t.Optional(t.String({ description: `First day, YYYY-MM-DD (UTC). Default: ${DEFAULT_DAYS - 1} days before \`to\`` })),
  to: t.Optional(t.String({ description: `Last day, YYYY-MM-DD (UTC), included. Default: today, or ${DEFAULT_DAYS - 1} days after \`from\` (not past today). At most ${MAX_DAYS} days in all` })),
});
export type UsageQuery = Static<typeof UsageQuery>;

/** What the calling client stores and its traffic per day. */
export function usageApi(services: Pick<ApiServices, 'usage'>) {
  return {
    get: (caller: Caller, query: UsageQuery = {}): Promise<UsageView> => services.usage.report(caller.clientId, query),
  };
}
