import { Elysia } from 'elysia';
import { AppError } from '../core/errors';

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { ...NO_STORE, ...headers } });
}

interface ValueError {
  path?: string;
  message?: string;
  /** A union's: each variant's errors. */
  errors?: Iterable<ValueError>[];
}

/**
 * A union says only "Expected union value": the variant that got furthest into the value names
 * what is wrong (`focalPoint/x: Expected number to be less or equal to 1`), else every variant's
 * expectation together (`Expected object or null`).
 */
function telling(detail: ValueError): ValueError {
  const firsts = (detail.errors ?? []).map((variant) => variant[Symbol.iterator]().next().value as ValueError | undefined).filter((e) => e?.path !== undefined) as ValueError[];
  if (firsts.length === 0) return detail;
  const deepest = firsts.reduce((a, b) => (b.path!.length > a.path!.length ? b : a));
  if (deepest.path!.length > (detail.path ?? '').length) return telling(deepest);
  return { path: detail.path, message: `Expected ${firsts.map((e) => (e.message ?? '').replace(/^Expected /, '')).join(' or ')}` };
}

function validationMessage(error: unknown): string {
  // Elysia's validation error carries the TypeBox detail; name the field, not the schema dump.
  // Collecting it walks the value: a hostile, deeply nested one overflows the stack there.
  try {
    const first = (error as { all?: ValueError[] }).all?.[0];
    const detail = first && telling(first);
    // The body as a whole (an empty patch) has the empty path: still say what was expected.
    if (detail) return `Invalid ${(detail.path ?? '').replace(/^\//, '').slice(0, 200) || 'input'}: ${detail.message ?? 'wrong type'}`;
  } catch {
    return 'Invalid input: nested too deeply';
  }
  return 'Invalid input';
}

/** A value nested so deep that walking it overflowed the stack: the caller's input, not our fault. */
const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

/** Maps every error to SPEC §6's `{ error: { code, message } }`, never cacheable, never a stack trace. */
export function errorToResponse(error: unknown, code?: string | number): Response {
  // Elysia wraps what a body parser throws: our own refusal (413, 415) stays itself.
  if (code === 'PARSE' && (error as Error).cause instanceof AppError) return errorToResponse((error as Error).cause);
  if (error instanceof AppError) {
    const retryAfter = error.details?.retryAfterSeconds;
    return errorResponse(error.status, error.code, error.message, retryAfter ? { 'retry-after': String(retryAfter) } : {});
  }
  if (isStackOverflow(error)) return errorResponse(400, 'invalid_input', 'Invalid input: nested too deeply');
  switch (code) {
    case 'VALIDATION':
      // An answer that does not match its own schema is our bug, not the caller's input.
      if ((error as { type?: string }).type === 'response') {
        console.error('Response failed its schema:', error);
        return errorResponse(500, 'internal', 'Internal server error');
      }
      return errorResponse(400, 'invalid_input', validationMessage(error));
    case 'PARSE':
      return errorResponse(400, 'invalid_input', 'Malformed request body');
    case 'NOT_FOUND':
      return errorResponse(404, 'not_found', 'No such route');
    default:
      console.error('Unhandled error:', error);
      return errorResponse(500, 'internal', 'Internal server error');
  }
}

/**
 * `wrongMethod` answers a request that matched no route but whose path other methods serve
 * (405). The handler itself never throws: Bun would answer a bare, non-JSON 500.
 */
export const errorHandling = (wrongMethod: (request: Request) => Response | undefined) =>
  new Elysia({ name: 'error-handling' }).onError({ as: 'global' }, ({ code, error, request }) => {
    try {
      return (code === 'NOT_FOUND' && wrongMethod(request)) || errorToResponse(error, code);
    } catch (failure) {
      console.error('Error while answering an error:', failure);
      return errorResponse(500, 'internal', 'Internal server error');
    }
  });
