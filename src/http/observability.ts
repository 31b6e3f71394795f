import { ascii, createLogBuffer } from './log-buffer';

/**
 * Request metrics (Prometheus text) and request logs: one JSON line per request in production,
 * a readable line on a terminal. Log lines are written as bytes into one buffer and written out
 * together (`log-buffer.ts`), so logging costs the hot path no string and no system call.
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

// The punctuation of a line, encoded once.
const J_TIME = ascii('{"time":"');
const J_ID = ascii('","id":"');
const J_METHOD = ascii('","method":"');
const J_ROUTE = ascii('","route":"');
const J_STATUS = ascii('","status":');
const J_DURATION = ascii(',"durationMs":');
const J_KIND = ascii(',"kind":"');
const J_CACHE = ascii('","cache":"');
const J_END = ascii('"}');
const SPACE = ascii(' ');
const MS = ascii('ms');
const OPEN_ID = ascii(' [');
const CLOSE_ID = ascii(']');

export function createObservability(options: { logFormat: LogFormat; write?: (text: string) => void }) {
  const write = options.write;
  const logBuffer = createLogBuffer(write ? (bytes) => write(new TextDecoder().decode(bytes)) : (bytes) => process.stderr.write(bytes));
  const requests = new Map<string, Map<number, number>>();
  const latency = new Map<RequestKind, ReturnType<typeof createHistogram>>();
  const boot = Date.now().toString(36);
  let sequence = 0;

  // Formatting a date costs more than the rest of a log line: once per millisecond, as bytes.
  let stampMs = 0;
  let stamp = ascii(new Date(0).toISOString());
  const now = () => {
    const ms = Date.now();
    if (ms !== stampMs) {
      stampMs = ms;
      stamp = ascii(new Date(ms).toISOString());
    }
    return stamp;
  };

  function logJson(record: RequestRecord): void {
    logBuffer.begin();
    logBuffer.literal(J_TIME);
    logBuffer.literal(now());
    logBuffer.literal(J_ID);
    logBuffer.text(record.id);
    logBuffer.literal(J_METHOD);
    logBuffer.text(record.method);
    logBuffer.literal(J_ROUTE);
    logBuffer.text(record.route);
    logBuffer.literal(J_STATUS);
    logBuffer.int(record.status);
    logBuffer.literal(J_DURATION);
    logBuffer.hundredths(record.durationMs);
    logBuffer.literal(J_KIND);
    logBuffer.text(record.kind);
    if (record.cache) {
      logBuffer.literal(J_CACHE);
      logBuffer.text(record.cache);
    }
    logBuffer.literal(J_END);
    logBuffer.end();
  }

  function logPretty(record: RequestRecord): void {
    logBuffer.begin();
    logBuffer.literal(now().subarray(11, 23));
    logBuffer.literal(SPACE);
    logBuffer.int(record.status);
    logBuffer.literal(SPACE);
    logBuffer.text(record.method);
    logBuffer.literal(SPACE);
    logBuffer.text(record.route);
    logBuffer.literal(SPACE);
    logBuffer.hundredths(record.durationMs);
    logBuffer.literal(MS);
    if (record.cache) {
      logBuffer.literal(SPACE);
      logBuffer.text(record.cache);
    }
    logBuffer.literal(OPEN_ID);
    logBuffer.text(record.id);
    logBuffer.literal(CLOSE_ID);
    logBuffer.end();
  }

  const log = options.logFormat === 'json' ? logJson : options.logFormat === 'pretty' ? logPretty : () => {};

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

    flush: logBuffer.flush,
  };
}

export type Observability = ReturnType<typeof createObservability>;
