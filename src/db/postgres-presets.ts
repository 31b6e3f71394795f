import { writeOutbox } from './postgres-outbox';
import type { SQL } from 'bun';
import type { PresetRepository } from '../core/ports';
import { conflict } from '../core/errors';
import { isUniqueViolation } from './postgres';
import { insertUnique } from './postgres-accounts';
import { toPreset, widthsColumn, formatsColumn, type PresetRow } from './rows';

export function createPostgresPresetRepository(sql: SQL): PresetRepository {
  return {
    async insert(p, outbox = []) {
      await insertUnique(
        () => sql.begin(async (tx) => {
          await tx`INSERT INTO presets (id, client_id, name, params, widths, eager, formats, created_at) VALUES (${p.id}, ${p.clientId}, ${p.name}, ${p.params}, ${widthsColumn(p.widths)}, ${p.eager}, ${formatsColumn(p.formats)}, ${p.createdAt})`;
          await writeOutbox(tx, outbox);
        }),
        `A preset named "${p.name}" already exists`,
      );
    },
    async list(clientId) {
      return (await sql<PresetRow[]>`SELECT * FROM presets WHERE client_id = ${clientId} ORDER BY name`).map(toPreset);
    },
    async getByName(clientId, name) {
      const [row] = await sql<PresetRow[]>`SELECT * FROM presets WHERE client_id = ${clientId} AND name = ${name}`;
      return row ? toPreset(row) : null;
    },
    async update(p, outbox = [], options = {}) {
      try {
        return await sql.begin(async (tx) => {
          const updated = await tx`UPDATE presets SET name = ${p.name}, params = ${p.params}, widths = ${widthsColumn(p.widths)}, eager = ${p.eager},
            formats = ${formatsColumn(p.formats)} WHERE client_id = ${p.clientId} AND id = ${p.id} RETURNING id`;
          if (updated.length === 0) return false;
          if (options.dropJobs) await tx`DELETE FROM eager_jobs WHERE preset_id = ${p.id}`;
          await writeOutbox(tx, outbox);
          return true;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A preset named "${p.name}" already exists`);
        throw error;
      }
    },
    async delete(clientId, id, outbox = []) {
      return sql.begin(async (tx) => {
        const deleted = (await tx`DELETE FROM presets WHERE client_id = ${clientId} AND id = ${id}`).count > 0;
        if (deleted) await writeOutbox(tx, outbox);
        return deleted;
      });
    },
  };
}
