import { invalid } from '../core/errors';

type ObjectSchema = { properties: Record<string, unknown> };
/** An object schema, or a union of them told apart by a literal `kind` (purge targets). */
type BodySchema = ObjectSchema | { anyOf: readonly ObjectSchema[] };

function allowedFields(schema: BodySchema, body: Record<string, unknown>): string[] {
  if ('properties' in schema) return Object.keys(schema.properties);
  const kindOf = (variant: ObjectSchema) => (variant.properties.kind as { const?: unknown } | undefined)?.const;
  const chosen = schema.anyOf.find((variant) => kindOf(variant) === body.kind);
  // No variant of that kind: the schema's own 400 names the kinds; nothing to add here.
  return chosen ? Object.keys(chosen.properties) : Object.keys(body);
}

const unknownFieldOf = new WeakMap<Request, string>();

/**
 * A route's hooks refusing a body field its schema does not take: a mistyped field is a 400
 * naming it, not a 200 that changed nothing. The body is read before validation (which drops
 * unknown fields silently), but refused only after authentication and the role check, so a
 * caller who may not use the route at all hears 401, 403 or 404 first, as for any other body.
 */
export function knownFields(schema: BodySchema) {
  return {
    transform({ body, request }: { body: unknown; request: Request }): void {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
      const allowed = allowedFields(schema, body as Record<string, unknown>);
      const unknown = Object.keys(body).find((key) => !allowed.includes(key));
      if (unknown !== undefined) unknownFieldOf.set(request, `Unknown field "${unknown.slice(0, 40)}": expected ${allowed.join(', ')}`);
    },
    beforeHandle({ request }: { request: Request }): void {
      const message = unknownFieldOf.get(request);
      if (message !== undefined) throw invalid(message);
    },
  };
}
