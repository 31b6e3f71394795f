/** A raw JSON (or multipart) request to /api/v1 with a key: for bad input on purpose, and across nodes. Everything else uses the typed client. */
export async function apiRequest(
  baseUrl: string,
  apiKey: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { 'x-api-key': apiKey };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
}

/** A multipart form with one file, as the upload and replace routes take it. */
export function fileForm(file: Uint8Array, name: string, folder?: string): FormData {
  const form = new FormData();
  form.append('file', new File([file as Uint8Array<ArrayBuffer>], name));
  if (folder !== undefined) form.append('folder', folder);
  return form;
}
