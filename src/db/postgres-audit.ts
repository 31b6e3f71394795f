import type { SQL } from 'bun';
import type { AuditRepository } from '../core/audit/ports';
import { AUDIT_COLUMNS, auditConditions, auditValues, toAuditEntry, type AuditRow } from './audit-rows';

const COLUMN_COUNT = AUDIT_COLUMNS.split(',').length;

export function createPostgresAuditRepository(sql: SQL): AuditRepository {
  return {
    async insert(entries) {
      if (entries.length === 0) return;
      // One statement for a bulk action's entries: they are written together or not at all.
      const tuples = entries.map((_, row) => `(${Array.from({ length: COLUMN_COUNT }, (_, col) => `$${row * COLUMN_COUNT + col + 1}`).join(', ')})`);
      await sql.unsafe(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ${tuples.join(', ')}`, entries.flatMap(auditValues));
    },
    async list(q) {
      const values: (string | number)[] = [];
      const where = auditConditions(q, (value) => {
        values.push(value);
        return `$${values.length}`;
      });
      const [count] = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`, values);
      const rows = await sql.unsafe<AuditRow[]>(
        `SELECT * FROM audit_log WHERE ${where} ORDER BY time DESC, seq DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
        [...values, q.limit, q.offset],
      );
      return { items: rows.map(toAuditEntry), total: count!.n };
    },
    async deleteBefore(time) {
      return (await sql`DELETE FROM audit_log WHERE time < ${time}`).count;
    },
  };
}
