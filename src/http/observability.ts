/**
 * Request metrics (Prometheus text) and request logs: one JSON line per request in production,
 * a readable line on a terminal. Log lines are buffered and written together, so logging costs
 * the hot path a string, not a system call.
 */
export type LogFormat = 'json' | 'pretty' | 'off';
export type RequestKind = 'delivery_hit' | 'delivery_miss' | 'api' | 'other';

export interface RequestRecord {
  id: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  kind: RequestKind;
  cache?: string;
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createHistogram() {
  const counts = new Array<number>(BUCKETS.length).fill(0);
  let sum = 0;
  let count = 0;
  return {
    observe(seconds: number) {
      sum += seconds;
      count++;
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) counts[i]!++;
    },
    render(name: string, labels: string): string[] {
      const lines = BUCKETS.map((le, i) => `${name}_bucket{${labels},le="${le}"} ${counts[i]}`);
      lines.push(`${name}_bucket{${labels},le="+Inf"} ${count}`, `${name}_sum{${labels}} ${sum}`, `${name}_count{${labels}} ${count}`);
      return lines;
    },
  };
}

export function createObservability(options: { logFormat: LogFormat; write?: (text: string) => void }) {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const requests = new Map<string, Map<number, number>>();
  const latency = new Map<RequestKind, ReturnType<typeof createHistogram>>();
  const boot = Date.now().toString(36);
  let sequence = 0;
  let pending: string[] = [];
  let timer: Timer | null = null;

  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };

  // Formatting a date costs more than the rest of a log line: one string per millisecond.
  let stampMs = 0;
  let stamp = '';
  const now = () => {
    const ms = Date.now();
    if (ms !== stampMs) {
      stampMs = ms;
      stamp = new Date(ms).toISOString();
    }
    return stamp;
  };

  function log(record: RequestRecord): void {
    if (options.logFormat === 'off') return;
    const duration = Math.round(record.durationMs * 100) / 100;
    // Every field is ours or validated (ids match [\w.-]), so the line is built without JSON.stringify.
    const line =
      options.logFormat === 'json'
        ? `{"time":"${now()}","id":"${record.id}","method":"${record.method}","route":"${record.route}","status":${record.status},"durationMs":${duration},"kind":"${record.kind}"${record.cache ? `,"cache":"${record.cache}"` : ''}}\n`
        : `${now().slice(11, 23)} ${record.status} ${record.method} ${record.route} ${duration}ms${record.cache ? ` ${record.cache}` : ''} [${record.id}]\n`;
    pending.push(line);
    if (pending.length >= 256) flush();
    else timer ??= setTimeout(flush, 100);
  }

  return {
    /** True when request logs are written (ids are then worth making on the hot path). */
    logging: options.logFormat !== 'off',

    /** The caller's X-Request-Id when it sent a sane one, else a new one. */
    requestId(request: Request): string {
      const given = request.headers.get('x-request-id');
      return given && /^[\w.-]{1,100}$/.test(given) ? given : `${boot}-${(++sequence).toString(36)}`;
    },

    record(record: RequestRecord): void {
      let byStatus = requests.get(record.route);
      if (!byStatus) requests.set(record.route, (byStatus = new Map()));
      byStatus.set(record.status, (byStatus.get(record.status) ?? 0) + 1);
      let histogram = latency.get(record.kind);
      if (!histogram) latency.set(record.kind, (histogram = createHistogram()));
      histogram.observe(record.durationMs / 1000);
      log(record);
    },

    render(): string[] {
      const lines = ['# HELP imgapi_http_requests_total Requests by route and status.', '# TYPE imgapi_http_requests_total counter'];
      for (const [route, byStatus] of requests) {
        for (const [status, count] of byStatus) lines.push(`imgapi_http_requests_total{route="${route}",status="${status}"} ${count}`);
      }
      lines.push('# HELP imgapi_http_request_duration_seconds Latency of delivery hits, misses and API calls.', '# TYPE imgapi_http_request_duration_seconds histogram');
      for (const [kind, histogram] of latency) lines.push(...histogram.render('imgapi_http_request_duration_seconds', `kind="${kind}"`));
      return lines;
    },

    flush,
  };
}

export type Observability = ReturnType<typeof createObservability>;
