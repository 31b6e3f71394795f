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

/** The same /api/v1 everyone uses, authenticated by the session cookie. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-imgapi-client': currentClient };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  return parse<T>(response.status, await response.text());
}

/** Multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function uploadFile(path: string, method: 'POST' | 'PUT', form: FormData, onProgress: (fraction: number) => void): Promise<ImageView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('x-imgapi-client', currentClient);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => parse<ImageView>(xhr.status, xhr.responseText).then(resolve, reject);
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
