import type { Database } from 'bun:sqlite';
import type { AuditRepository } from '../core/audit/ports';
import { AUDIT_COLUMNS, auditConditions, auditValues, toAuditEntry, type AuditRow } from './audit-rows';

export function createSqliteAuditRepository(db: Database): AuditRepository {
  const insert = db.query(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertAll = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...(row as never[]));
  });
  return {
    async insert(entries) {
      insertAll(entries.map(auditValues));
    },
    async list(q) {
      const values: string[] = [];
      const where = auditConditions(q, (value) => {
        values.push(value);
        return '?';
      });
      const { n } = db.query<{ n: number }, string[]>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${where}`).get(...values)!;
      const rows = db
        .query<AuditRow, (string | number)[]>(`SELECT * FROM audit_log WHERE ${where} ORDER BY time DESC, seq DESC LIMIT ? OFFSET ?`)
        .all(...values, q.limit, q.offset);
      return { items: rows.map(toAuditEntry), total: n };
    },
    async deleteBefore(time) {
      return db.query('DELETE FROM audit_log WHERE time < ?').run(time).changes;
    },
  };
}
