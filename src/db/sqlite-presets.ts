import { writeOutbox } from './sqlite-outbox';
import type { Database } from 'bun:sqlite';
import { conflict } from '../core/errors';
import type { PresetRepository } from '../core/ports';
import { toPreset, widthsColumn, formatsColumn, type PresetRow } from './rows';
import { isUniqueViolation } from './sqlite';

export function createSqlitePresetRepository(db: Database): PresetRepository {
  const byName = db.query<PresetRow, [string, string]>('SELECT * FROM presets WHERE client_id = ? AND name = ?');
  return {
    async insert(p, outbox = []) {
      try {
        db.transaction(() => {
          db.query('INSERT INTO presets (id, client_id, name, params, widths, eager, formats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(p.id, p.clientId, p.name, p.params, widthsColumn(p.widths), p.eager ? 1 : 0, formatsColumn(p.formats), p.createdAt);
          writeOutbox(db, outbox);
        })();
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A preset named "${p.name}" already exists`);
        throw error;
      }
    },
    async list(clientId) {
      return db.query<PresetRow, [string]>('SELECT * FROM presets WHERE client_id = ? ORDER BY name').all(clientId).map(toPreset);
    },
    async getByName(clientId, name) {
      const row = byName.get(clientId, name);
      return row ? toPreset(row) : null;
    },
    async update(p, outbox = [], options = {}) {
      try {
        return db.transaction(() => {
          const updated = db
            .query('UPDATE presets SET name = ?, params = ?, widths = ?, eager = ?, formats = ? WHERE client_id = ? AND id = ?')
            .run(p.name, p.params, widthsColumn(p.widths), p.eager ? 1 : 0, formatsColumn(p.formats), p.clientId, p.id).changes > 0;
          if (!updated) return false;
          if (options.dropJobs) db.query('DELETE FROM eager_jobs WHERE preset_id = ?').run(p.id);
          writeOutbox(db, outbox);
          return true;
        })();
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A preset named "${p.name}" already exists`);
        throw error;
      }
    },
    async delete(clientId, id, outbox = []) {
      return db.transaction(() => {
        const deleted = db.query('DELETE FROM presets WHERE client_id = ? AND id = ?').run(clientId, id).changes > 0;
        if (deleted) writeOutbox(db, outbox);
        return deleted;
      })();
    },
  };
}
