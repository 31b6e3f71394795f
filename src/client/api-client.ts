import { treaty } from '@elysiajs/eden';
import { AppError, type ErrorCode } from '../core/errors';
import type { App } from '../http/app';

export interface ApiClientOptions {
  /** Sent with every call: `X-Api-Key`, or the dashboard's client choice. */
  headers?: () => Record<string, string>;
  /** The transport (timeouts, connection reuse, a network failure's own error). */
  fetcher?: typeof fetch;
  /** Options of every fetch (e.g. the dashboard's `credentials`). */
  fetch?: Omit<RequestInit, 'headers' | 'method'>;
}

/**
 * The one typed client of the API, derived from the server's own route declarations (Eden
 * Treaty over the app's type): the CLI's remote mode, the dashboard and the tests use it.
 */
export function createApiClient(origin: string, options: ApiClientOptions = {}) {
  const client = treaty<App>(origin.replace(/\/+$/, ''), {
    headers: options.headers ? () => options.headers!() : undefined,
    fetcher: options.fetcher,
    fetch: options.fetch,
    // Timestamps stay the ISO strings the API documents.
    parseDate: false,
  });
  return { v1: client.api.v1, auth: client.auth, healthz: client.healthz };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * A path parameter as the client must send it: Eden puts parameters into the URL as given, so
 * an id is encoded here, and a dot segment (which a URL resolves away) is refused.
 */
export function pathParam(id: string): { id: string } {
  if (id === '' || id === '.' || id === '..') throw new AppError('invalid_input', `Invalid id "${id}"`);
  return { id: encodeURIComponent(id) };
}

/** What every call of the client resolves to: its data, or the status and body of its error. */
export type CallResult<T> = { data: T; error: null } | { data: null; error: { status: unknown; value: unknown } };

/** The `{ error: { code, message } }` body of a failed call, with the status when the body has none. */
export function errorOf(error: { status: unknown; value: unknown }): { status: number; code: string; message: string } {
  // The transport failed (Eden reports a thrown fetch as a 503 carrying the error).
  if (error.value instanceof Error) return { status: 0, code: 'network', message: error.value.message };
  const body = (error.value ?? {}) as { error?: { code?: string; message?: string } };
  const status = Number(error.status);
  return { status, code: body.error?.code ?? 'internal', message: body.error?.message ?? `HTTP ${status}` };
}

/** A call's data, or its error body turned back into the AppError the server raised. */
export async function unwrap<T>(call: Promise<CallResult<T>>): Promise<NonNullable<T>> {
  const result = await call;
  if (result.error) {
    if (result.error.value instanceof Error) throw result.error.value;
    const { code, message } = errorOf(result.error);
    throw new AppError(code as ErrorCode, message);
  }
  return result.data as NonNullable<T>;
}
