import type { SQL } from 'bun';
import type { EagerJobRepository, EagerJobSpec, EagerJobsWrite, ImageRecord } from '../core/ports';
import { abandonedError, imageCounts, stateCounts, toEagerJob, type EagerJobRow } from './eager-job-rows';

async function add(tx: SQL, jobs: readonly (EagerJobSpec & { id: string })[], now: string) {
  for (const j of jobs) {
    await tx`INSERT INTO eager_jobs (id, client_id, image_id, image_version, preset_id, path, accept, created_at)
      VALUES (${j.id}, ${j.clientId}, ${j.imageId}, ${j.imageVersion}, ${j.presetId}, ${j.path}, ${j.accept}, ${now})
      ON CONFLICT (image_id, image_version, path, accept) DO UPDATE SET state = 'pending', attempts = 0, error = NULL, created_at = excluded.created_at
      WHERE eager_jobs.state <> 'running'`;
  }
}

/** An image version's jobs, inside the caller's transaction: other versions' go, these are added. */
export async function writeEagerJobs(tx: SQL, image: Pick<ImageRecord, 'id' | 'version'>, write: EagerJobsWrite): Promise<void> {
  await tx`DELETE FROM eager_jobs WHERE image_id = ${image.id} AND image_version <> ${image.version}`;
  await add(tx, write.jobs, write.now);
}

export function createPostgresEagerJobRepository(sql: SQL): EagerJobRepository {
  return {
    async replaceForImage(image, jobs, now) {
      await sql.begin((tx) => writeEagerJobs(tx, image, { jobs, now }));
    },
    async enqueue(jobs, now) {
      await sql.begin((tx) => add(tx, jobs, now));
    },
    async claim(now, staleBefore, maxAttempts, exceptClients = []) {
      await sql`UPDATE eager_jobs SET state = 'failed', claimed_at = NULL, error = ${abandonedError(maxAttempts)}
        WHERE state = 'running' AND claimed_at < ${staleBefore} AND attempts >= ${maxAttempts}`;
      // SKIP LOCKED: nodes claiming at once each take a different row instead of queueing on one.
      const [row] = await sql<EagerJobRow[]>`UPDATE eager_jobs SET state = 'running', claimed_at = ${now}, attempts = attempts + 1
        WHERE id = (SELECT id FROM eager_jobs WHERE (state = 'pending' OR (state = 'running' AND claimed_at < ${staleBefore} AND attempts < ${maxAttempts}))
                      AND client_id NOT IN (SELECT jsonb_array_elements_text(CAST(${JSON.stringify(exceptClients)} AS text)::jsonb))
                    ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`;
      return row ? toEagerJob(row) : null;
    },
    async finish(id, outcome, error) {
      await sql`UPDATE eager_jobs SET state = ${outcome === 'retry' ? 'pending' : outcome}, error = ${error}, claimed_at = NULL WHERE id = ${id}`;
    },
    async countsByImage(clientId, imageIds) {
      if (imageIds.length === 0) return new Map();
      const rows = await sql<{ image_id: string; state: string; n: string }[]>`
        SELECT j.image_id, j.state, COUNT(*) AS n FROM eager_jobs j JOIN images i ON i.id = j.image_id AND i.version = j.image_version
        WHERE j.client_id = ${clientId} AND j.image_id IN ${sql([...imageIds])} GROUP BY j.image_id, j.state`;
      return imageCounts(rows);
    },
    async countsByPreset(presetId, since) {
      return stateCounts(
        since === undefined
          ? await sql<{ state: string; n: string }[]>`SELECT state, COUNT(*) AS n FROM eager_jobs WHERE preset_id = ${presetId} GROUP BY state`
          : await sql<{ state: string; n: string }[]>`SELECT state, COUNT(*) AS n FROM eager_jobs WHERE preset_id = ${presetId} AND created_at >= ${since} GROUP BY state`,
      );
    },
    async totals() {
      return stateCounts(await sql<{ state: string; n: string }[]>`SELECT state, COUNT(*) AS n FROM eager_jobs GROUP BY state`);
    },
  };
}
