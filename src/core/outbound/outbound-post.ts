import http from 'node:http';
import https from 'node:https';
import type { ResolvedTarget } from './ssrf-guard';

export interface OutboundResult {
  /** null when no response came (refused, timed out, reset). */
  status: number | null;
  /** At most `maxBodyBytes` of the response, for the delivery log. */
  body: string;
  latencyMs: number;
  error: string | null;
}

export interface OutboundRequest {
  target: ResolvedTarget;
  headers: Record<string, string>;
  /** null: a POST without a body (no content-type is added). */
  body: string | null;
  /** Names the feature calling (default imgapi-webhooks). */
  userAgent?: string;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

/**
 * POSTs to the address the target was resolved to (never resolving again), with the URL's
 * own host in the Host header and TLS server name. Redirects are not followed; the whole call
 * is bounded by the timeout; only the first bytes of the answer are kept.
 */
export function outboundPost(request: OutboundRequest): Promise<OutboundResult> {
  const { target, headers, body } = request;
  const timeoutMs = request.timeoutMs ?? 10_000;
  const maxBodyBytes = request.maxBodyBytes ?? 1024;
  const started = performance.now();
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<OutboundResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    };
    const req = client.request(
      target.url,
      {
        method: 'POST',
        headers: {
          ...(body !== null && { 'content-type': 'application/json' }),
          'user-agent': request.userAgent ?? 'imgapi-webhooks',
          ...headers,
          'content-length': String(body === null ? 0 : Buffer.byteLength(body)),
        },
        lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
          options?.all
            ? callback(null, [{ address: target.address, family: target.family }])
            : callback(null, target.address, target.family)) as unknown as http.RequestOptions['lookup'],
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= maxBodyBytes) return;
          chunks.push(chunk.subarray(0, maxBodyBytes - kept));
          kept += Math.min(chunk.length, maxBodyBytes - kept);
          if (kept >= maxBodyBytes) {
            // Enough for the log: stop reading a long answer.
            finish({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: null });
            res.destroy();
          }
        });
        res.on('end', () => finish({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: null }));
        res.on('error', (error) => finish({ status: res.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8'), error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: null, body: '', error: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error) => finish({ status: null, body: '', error: error.message }));
    req.end(body ?? undefined);
  });
}
