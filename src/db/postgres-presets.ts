import type { SQL } from 'bun';
import type { PresetRepository } from '../core/ports';
import { insertUnique } from './postgres-accounts';
import { toPreset, widthsColumn, type PresetRow } from './rows';

export function createPostgresPresetRepository(sql: SQL): PresetRepository {
  return {
    async insert(p) {
      await insertUnique(
        () => sql`INSERT INTO presets (id, client_id, name, params, widths, created_at) VALUES (${p.id}, ${p.clientId}, ${p.name}, ${p.params}, ${widthsColumn(p.widths)}, ${p.createdAt})`,
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
    async delete(clientId, id) {
      return (await sql`DELETE FROM presets WHERE client_id = ${clientId} AND id = ${id}`).count > 0;
    },
  };
}
