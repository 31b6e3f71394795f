import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Every ranged or paged read refuses a bad `from`, `to`, `page` or `pageSize` in the same
 * words, from one parser: the usage report and the audit log (and the image and trash listings
 * that page the same way), never a schema's regex.
 */
describe('from/to and page/pageSize messages, alike on every read', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  }, 60_000);
  afterAll(() => s.stop());

  const refusal = async (path: string) => {
    const { status, json } = await s.api('GET', path);
    expect([path, status, Object.keys(json), json.error.code]).toEqual([path, 400, ['error'], 'invalid_input']);
    return json.error.message as string;
  };

  test('a date that is not one: usage takes days, the audit log days or date-times, said the same way', async () => {
    expect(await refusal('/usage?from=2026-02-30')).toBe('from must be a date (2026-03-01), not "2026-02-30"');
    expect(await refusal('/usage?to=yesterday')).toBe('to must be a date (2026-03-01), not "yesterday"');
    expect(await refusal('/audit?from=2026-02-30')).toBe('from must be a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z), not "2026-02-30"');
    expect(await refusal('/audit?to=yesterday')).toBe('to must be a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z), not "yesterday"');
    expect(await refusal('/images?from=2026-13-01')).toBe('from must be a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z), not "2026-13-01"');
    // A long value is cut in the message, on both (the audit log's had its own length check).
    const long = '9'.repeat(500);
    expect(await refusal(`/usage?from=${long}`)).toBe(`from must be a date (2026-03-01), not "${'9'.repeat(40)}"`);
    expect(await refusal(`/audit?from=${long}`)).toBe(`from must be a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z), not "${'9'.repeat(40)}"`);
  });

  test('from after to: one message', async () => {
    const message = 'from (2026-03-02) must not be after to (2026-03-01)';
    expect(await refusal('/usage?from=2026-03-02&to=2026-03-01')).toBe(message);
    expect(await refusal('/audit?from=2026-03-02&to=2026-03-01')).toBe(message);
    expect(await refusal('/images?from=2026-03-02&to=2026-03-01')).toBe(message);
  });

  test('page and pageSize in words, on the audit log, the image list and the trash', async () => {
    for (const read of ['/audit', '/images', '/trash']) {
      for (const page of ['0', '-1', 'abc', '1e2', '01', '1.5', '']) {
        expect([read, page, await refusal(`${read}?page=${page}`)]).toEqual([read, page, 'page must be a whole number from 1']);
      }
      expect(await refusal(`${read}?page=1234567890`)).toBe('page must be a whole number from 1 to 999999999');
      for (const size of ['0', '101', '1e2', 'ten', '0100']) {
        expect([read, size, await refusal(`${read}?pageSize=${size}`)]).toEqual([read, size, 'pageSize must be a whole number from 1 to 100']);
      }
      const fine = await s.api('GET', `${read}?page=2&pageSize=100`);
      expect([read, fine.status, fine.json.page, fine.json.pageSize]).toEqual([read, 200, 2, 100]);
    }
  });
});
