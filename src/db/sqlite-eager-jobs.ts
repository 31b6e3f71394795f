import type { Database } from 'bun:sqlite';
import type { EagerJobRepository, EagerJobSpec, EagerJobsWrite, ImageRecord } from '../core/ports';
import { abandonedError, imageCounts, stateCounts, toEagerJob, type EagerJobRow } from './eager-job-rows';

const upsert = (db: Database) =>
  db.query(
    `INSERT INTO eager_jobs (id, client_id, image_id, image_version, preset_id, path, accept, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (image_id, image_version, path, accept) DO UPDATE SET state = 'pending', attempts = 0, error = NULL, created_at = excluded.created_at
     WHERE eager_jobs.state <> 'running'`,
  );

/** An image version's jobs, inside the caller's transaction: other versions' go, these are added. */
export function writeEagerJobs(db: Database, image: Pick<ImageRecord, 'id' | 'version'>, write: EagerJobsWrite): void {
  db.query('DELETE FROM eager_jobs WHERE image_id = ? AND image_version <> ?').run(image.id, image.version);
  const insert = upsert(db);
  for (const j of write.jobs) insert.run(j.id, j.clientId, j.imageId, j.imageVersion, j.presetId, j.path, j.accept, write.now);
}

export function createSqliteEagerJobRepository(db: Database): EagerJobRepository {
  const insert = upsert(db);
  const add = (jobs: readonly (EagerJobSpec & { id: string })[], now: string) => {
    for (const j of jobs) insert.run(j.id, j.clientId, j.imageId, j.imageVersion, j.presetId, j.path, j.accept, now);
  };
  // One statement claims: SQLite runs it under the database's write lock, so no two processes get one job.
  const claim = db.query<EagerJobRow, [string, string, number, string]>(
    `UPDATE eager_jobs SET state = 'running', claimed_at = ?1, attempts = attempts + 1
     WHERE id = (SELECT id FROM eager_jobs WHERE (state = 'pending' OR (state = 'running' AND claimed_at < ?2 AND attempts < ?3))
                   AND client_id NOT IN (SELECT value FROM json_each(?4))
                 ORDER BY created_at, id LIMIT 1)
     RETURNING *`,
  );
  const failAbandoned = db.query<unknown, [string, number, string]>(
    `UPDATE eager_jobs SET state = 'failed', claimed_at = NULL, error = ?3
     WHERE state = 'running' AND claimed_at < ?1 AND attempts >= ?2`,
  );
  const claimOne = db.transaction((now: string, staleBefore: string, maxAttempts: number, exceptClients: string) => {
    failAbandoned.run(staleBefore, maxAttempts, abandonedError(maxAttempts));
    return claim.get(now, staleBefore, maxAttempts, exceptClients);
  });
  return {
    async replaceForImage(image, jobs, now) {
      db.transaction(() => writeEagerJobs(db, image, { jobs, now }))();
    },
    async enqueue(jobs, now) {
      db.transaction(() => add(jobs, now))();
    },
    async claim(now, staleBefore, maxAttempts, exceptClients = []) {
      const row = claimOne(now, staleBefore, maxAttempts, JSON.stringify(exceptClients));
      return row ? toEagerJob(row) : null;
    },
    async finish(id, outcome, error) {
      db.query('UPDATE eager_jobs SET state = ?, error = ?, claimed_at = NULL WHERE id = ?').run(outcome === 'retry' ? 'pending' : outcome, error, id);
    },
    async countsByImage(clientId, imageIds) {
      if (imageIds.length === 0) return new Map();
      const marks = imageIds.map(() => '?').join(', ');
      const rows = db
        .query<{ image_id: string; state: string; n: number }, string[]>(
          `SELECT j.image_id, j.state, COUNT(*) AS n FROM eager_jobs j JOIN images i ON i.id = j.image_id AND i.version = j.image_version
           WHERE j.client_id = ? AND j.image_id IN (${marks}) GROUP BY j.image_id, j.state`,
        )
        .all(clientId, ...imageIds);
      return imageCounts(rows);
    },
    async countsByPreset(presetId, since) {
      return stateCounts(
        db
          .query<{ state: string; n: number }, [string, string | null]>('SELECT state, COUNT(*) AS n FROM eager_jobs WHERE preset_id = ?1 AND (?2 IS NULL OR created_at >= ?2) GROUP BY state')
          .all(presetId, since ?? null),
      );
    },
    async totals() {
      return stateCounts(db.query<{ state: string; n: number }, []>('SELECT state, COUNT(*) AS n FROM eager_jobs GROUP BY state').all());
    },
  };
}
