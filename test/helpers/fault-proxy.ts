import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of passing a request on. */
export type Fault = 'internal-error' | 'slow-down' | 'too-many-requests' | 'drop' | 'access-denied' | 'bad-request';

const REPLIES: Record<Exclude<Fault, 'drop'>, { status: number; code: string; message: string }> = {
  'internal-error': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  'slow-down': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'too-many-requests': { status: 429, code: 'TooManyRequests', message: 'Too many requests.' },
  'access-denied': { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  'bad-request': { status: 400, code: 'InvalidRequest', message: 'Invalid request.' },
};

export interface ProxiedRequest {
  method: string;
  path: string;
  fault: Fault | null;
}

export interface FaultProxy {
  /** Put this where the S3 endpoint goes. */
  endpoint: string;
  /** Every request seen, in order, with what it got (null: passed on). */
  requests: ProxiedRequest[];
  /**
   * The next `count` requests (of `method` only, and with `pathContains` in the path, when
   * given) get `fault` instead of the server.
   */
  failNext(count: number, fault: Fault, method?: string, pathContains?: string): void;
  /** Forgets faults not yet served. */
  clear(): void;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of an S3 server that answers the next requests with S3-style
 * errors or drops their connection, then passes requests through untouched (Host included, so
 * signatures still match).
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const pending: { fault: Fault; method?: string; pathContains?: string }[] = [];

  function takeFault(method: string, path: string): Fault | null {
    const index = pending.findIndex((entry) => (!entry.method || entry.method === method) && (!entry.pathContains || path.includes(entry.pathContains)));
    return index < 0 ? null : pending.splice(index, 1)[0]!.fault;
  }

  function pass(req: IncomingMessage, res: ServerResponse) {
    const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  }

  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const fault = takeFault(method, path);
    requests.push({ method, path, fault });
    if (!fault) return pass(req, res);
    if (fault === 'drop') return req.socket.destroy();
    const { status, code, message } = REPLIES[fault];
    // The body is read first so the client is not cut off mid-upload: the reply is the fault.
    req.resume();
    req.on('end', () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, fault, method, pathContains) {
      for (let i = 0; i < count; i++) pending.push({ fault, method, pathContains });
    },
    clear() {
      pending.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
