import { invalid } from '../core/errors';

/**
 * A route's transform (before the schema, which would drop unknown fields silently): a
 * mistyped field is a 400 naming it, not a 200 that changed nothing.
 */
export const knownFields =
  (schema: { properties: Record<string, unknown> }) =>
  ({ body }: { body: unknown }): void => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    const allowed = Object.keys(schema.properties);
    for (const key of Object.keys(body)) if (!allowed.includes(key)) throw invalid(`Unknown field "${key.slice(0, 40)}": expected ${allowed.join(', ')}`);
  };
