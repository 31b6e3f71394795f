import type { ClientView } from '../api/clients';
import type { FolderTreeView } from '../api/folders';
import type { ImagePage, ImageView } from '../api/images';
import type { KeyView } from '../api/keys';
import type { PresetView } from '../api/presets';
import type { DeliveryView, WebhookView } from '../api/webhooks';
import { createApiClient, errorOf, type CallResult } from '../client/api-client';

export type { ClientView, DeliveryView, FolderTreeView, ImagePage, ImageView, KeyView, PresetView, WebhookView };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// The client the dashboard acts for; sent with every /api/v1 call next to the session cookie.
let currentClient = '';
export const useClient = (id: string) => {
  currentClient = id;
};

/** The same typed client everyone uses, authenticated by the session cookie. */
const client = createApiClient(location.origin, {
  headers: () => ({ 'x-imgapi-client': currentClient }),
  fetch: { credentials: 'same-origin' },
});
export const v1 = client.v1;
export const auth = client.auth;

let onSessionEnded = () => {};
/** Who hears that the session ended (expired, or logged out elsewhere): the App, which asks to log in again. */
export const whenSessionEnds = (handler: () => void) => {
  onSessionEnded = handler;
};

/**
 * A 401 ends the session: the App swaps every view for the login form. The caller's promise is
 * left pending on purpose; its view is about to go, and must neither show an error nor leave a
 * rejection unhandled.
 */
function sessionEnded<T>(): Promise<T> {
  onSessionEnded();
  return new Promise<T>(() => {});
}

/** A call's data; its error as an ApiError, except a 401, which ends the session. */
export async function call<T>(request: Promise<CallResult<T>>): Promise<NonNullable<T>> {
  const result = await request;
  if (!result.error) return result.data as NonNullable<T>;
  const { status, code, message } = errorOf(result.error);
  if (status === 401) return sessionEnded();
  throw new ApiError(status, code, message);
}

/** The one call whose 401 is an answer (a wrong password), not an ended session. */
export async function logIn(username: string, password: string): Promise<{ username: string }> {
  const result = await auth.login.post({ username, password });
  if (result.error) {
    const { status, code, message } = errorOf(result.error);
    throw new ApiError(status, code, message);
  }
  return result.data;
}

function parse<T>(status: number, text: string): T {
  const json = text ? JSON.parse(text) : undefined;
  if (status >= 400) throw new ApiError(status, json?.error?.code ?? 'error', json?.error?.message ?? `HTTP ${status}`);
  return json as T;
}

/**
 * Multipart upload with progress, to `/api/v1/images` (new) or `/api/v1/images/<id>` (replace):
 * fetch, and so the typed client, cannot report upload progress; XHR can.
 */
export function uploadFile(replacing: string | null, form: FormData, onProgress: (fraction: number) => void): Promise<ImageView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(replacing ? 'PUT' : 'POST', replacing ? `/api/v1/images/${encodeURIComponent(replacing)}` : '/api/v1/images');
    xhr.setRequestHeader('x-imgapi-client', currentClient);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      if (xhr.status === 401) return void sessionEnded();
      try {
        resolve(parse<ImageView>(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error'));
    xhr.send(form);
  });
}

/**
 * The originals of `ids` as one ZIP, saved by the browser. A POST (500 ids do not fit in a URL)
 * read as a blob: the archive is capped on the server, so it fits in memory.
 */
export async function downloadZip(ids: readonly string[], fileName = 'images.zip'): Promise<void> {
  const response = await fetch('/api/v1/images/zip', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-imgapi-client': currentClient },
    body: JSON.stringify({ ids }),
  });
  if (response.status === 401) return sessionEnded();
  if (!response.ok) parse(response.status, await response.text());
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const signUrl = (imageId: string, spec: { transform?: string; preset?: string; expiresIn?: number } = {}) => call(v1.sign.post({ imageId, ...spec }));

export { pathParam as param } from '../client/api-client';

export async function copyText(text: string, fallbackInput?: HTMLInputElement | HTMLTextAreaElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallbackInput?.select();
    document.execCommand('copy');
  }
}

export { byteSize as formatBytes } from '../core/byte-size';

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
