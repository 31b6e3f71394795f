/** Dashboard sessions over real HTTP: log in for a cookie, then call the API as that user. */

export async function logInCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`log-in of ${username}: ${response.status} ${await response.text()}`);
  return `imgapi_session=${/imgapi_session=([^;]+)/.exec(response.headers.get('set-cookie')!)![1]}`;
}

/** A JSON (or multipart) request as the browser sends it: the cookie, same Origin, and the client acted for (when given). */
export async function sessionRequest(
  baseUrl: string,
  cookie: string | null,
  clientId: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { origin: baseUrl };
  if (cookie) headers.cookie = cookie;
  if (clientId) headers['x-imgapi-client'] = clientId;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, json };
}
