import type { FolderTreeView, ImageView, KeyView, PresetView } from '../http/present';

export type { FolderTreeView, ImageView, KeyView, PresetView };
export interface ClientView {
  id: string;
  name: string;
  createdAt: string;
}
export interface ImagePage {
  items: ImageView[];
  total: number;
  page: number;
  pageSize: number;
}

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

async function parse<T>(status: number, text: string): Promise<T> {
  const json = text ? JSON.parse(text) : undefined;
  if (status >= 400) throw new ApiError(status, json?.error?.code ?? 'error', json?.error?.message ?? `HTTP ${status}`);
  return json as T;
}

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

function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'x-imgapi-client': currentClient };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
}

/** The same /api/v1 everyone uses, authenticated by the session cookie. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 401) return sessionEnded<T>();
  return parse<T>(response.status, await response.text());
}

/** The one call whose 401 is an answer (a wrong password), not an ended session. */
export async function logIn(username: string, password: string): Promise<{ username: string }> {
  const response = await send('POST', '/auth/login', { username, password });
  return parse(response.status, await response.text());
}

/** Multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function uploadFile(path: string, method: 'POST' | 'PUT', form: FormData, onProgress: (fraction: number) => void): Promise<ImageView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('x-imgapi-client', currentClient);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => (xhr.status === 401 ? sessionEnded() : parse<ImageView>(xhr.status, xhr.responseText).then(resolve, reject));
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error'));
    xhr.send(form);
  });
}

export const signUrl = (imageId: string, spec: { transform?: string; preset?: string } = {}) =>
  api<{ url: string; canonical: string; format: string }>('POST', '/api/v1/sign', { imageId, ...spec });

export async function copyText(text: string, fallbackInput?: HTMLInputElement | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallbackInput?.select();
    document.execCommand('copy');
  }
}

export const formatBytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
