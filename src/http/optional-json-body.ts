import { invalid } from '../core/errors';

/**
 * The parse hook of a route whose JSON body may be left out (POST /keys, a warm): no body is
 * `{}`, and a body that is not JSON is a 400 as on every other route. Left to Elysia, an
 * optional body that failed to parse became no body at all, so `{"folder":"x` warmed the whole
 * library and `{"name":"a` made a key named "default".
 */
export async function optionalJsonBody({ request }: { request: Request }): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('Malformed request body');
  }
}
