import { describe, expect, test } from 'bun:test';
import { createObservability } from '../../src/http/observability';
import { ascii, createLogBuffer } from '../../src/http/log-buffer';

const decode = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('');

describe('log buffer', () => {
  test('numbers print as Math.round(v * 100) / 100 and String() would', () => {
    const chunks: Uint8Array[] = [];
    const buffer = createLogBuffer((bytes) => chunks.push(bytes.slice()));
    const values = [0, 0.004, 0.005, 0.01, 0.1, 0.29, 0.42, 1, 1.005, 9.999, 12.345, 99.995, 100, 1234.5, 60_000.126, 987_654_321.987];
    for (const value of values) {
      buffer.begin();
      buffer.hundredths(value);
      buffer.literal(ascii(' '));
      buffer.int(Math.round(value));
      buffer.end();
    }
    buffer.flush();
    expect(decode(chunks).trimEnd().split('\n')).toEqual(values.map((v) => `${Math.round(v * 100) / 100} ${Math.round(v)}`));
  });

  test('a value that would break a JSON line is written with ? for each such character, and cut at 120', () => {
    let out = '';
    const logs = createObservability({ logFormat: 'json', write: (text) => (out += text) });
    logs.record({ id: 'a"b\\c\nd\u00e9\u{1F600}', method: 'G"ET', route: 'x'.repeat(500), status: 200, durationMs: 1, kind: 'other' });
    logs.flush();
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('\n').length).toBe(2);
    const line = JSON.parse(out);
    expect(line.id).toBe('a?b?c?d???');
    expect(line.method).toBe('G?ET');
    expect(line.route).toBe('x'.repeat(120));
  });

  test('lines beyond one buffer (64 KiB) all arrive, whole and in order, in more than one write', () => {
    const writes: string[] = [];
    const logs = createObservability({ logFormat: 'json', write: (text) => writes.push(text) });
    for (let i = 0; i < 3000; i++) logs.record({ id: `r-${i}`, method: 'GET', route: '/t/*', status: 200, durationMs: i / 7, kind: 'delivery_hit', cache: 'memory' });
    logs.flush();
    expect(writes.length).toBeGreaterThan(1);
    for (const text of writes) expect(text.endsWith('\n')).toBe(true);
    const lines = writes.join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(Array.from({ length: 3000 }, (_, i) => `r-${i}`));
    expect(lines[700].durationMs).toBe(100);
    expect(lines[1].durationMs).toBe(0.14);
  });

  test('written without an explicit flush shortly after the first line', async () => {
    let out = '';
    const logs = createObservability({ logFormat: 'pretty', write: (text) => (out += text) });
    logs.record({ id: 'r-9', method: 'HEAD', route: '/t/*', status: 304, durationMs: 0.5, kind: 'delivery_hit', cache: 'memory' });
    expect(out).toBe('');
    await Bun.sleep(250);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 304 HEAD \/t\/\* 0\.5ms memory \[r-9\]\n$/);
  });
});
