import type { Command } from 'commander';
import { join } from 'node:path';
import { backupInstallation, misplacedBackup, restoreInstallation, verifyBackupTarget, type Installation } from '../../src/backup-installation';
import { loadConfig } from '../../src/config';
import { openBackupTarget, type BackupTarget } from '../../src/storage/backup-target';
import { describeLocation } from '../../src/storage/s3-location';
import { UsageError } from '../errors';
import { globals, print, say, type GlobalOptions } from '../options';

/** Backups read and write the installation itself (its database and originals), never through a server. */
function installation(options: GlobalOptions, command: string): Installation {
  if (options.url || process.env.IMGAPI_URL) throw new UsageError(`imgapi ${command} works on the installation (--data, IMGAPI_DATABASE_URL, IMGAPI_STORAGE_URL), not against a server`);
  const config = loadConfig(process.env, { data: options.data });
  return { dataDir: config.dataDir, databaseUrl: config.databaseUrl, storage: config.storage };
}

function target(location: string): BackupTarget {
  try {
    return openBackupTarget(location, process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function registerBackup(program: Command): void {
  program
    .command('backup <dir>')
    .description(
      'back up the installation into <dir> or s3://bucket/prefix while servers run: a database snapshot (SQLite: VACUUM INTO; PostgreSQL: pg_dump) and the originals, by SHA-256 (only new ones are written)',
    )
    .option('--verify', 'write nothing: re-read every file of the backup in <dir> and check it against its manifest')
    .option('--prune', 'after the new manifest is written, remove the content files it no longer lists (originals deleted since earlier backups)')
    .addHelpText(
      'after',
      '\nExamples:\n  imgapi backup /srv/backups/imgapi --data /var/lib/imgapi\n  imgapi backup "s3://backups/imgapi?endpoint=https://s3.example.com&region=auto"   # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\n  imgapi backup --prune /srv/backups/imgapi --data /var/lib/imgapi\n  imgapi backup --verify /srv/backups/imgapi',
    )
    .action(async (location: string, opts: { verify?: boolean; prune?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      if (opts.verify && opts.prune) throw new UsageError('--verify writes nothing and --prune removes files: give one of them (verify after the pruning backup)');
      if (opts.verify) {
        const backup = target(location);
        const report = await verifyBackupTarget(backup);
        const ok = report.problems.length === 0;
        print(options, { ok, files: report.files, bytes: report.bytes, problems: report.problems }, ok ? `Verified: ${report.files} files, ${report.bytes} bytes match the manifest` : report.problems.map((p) => `MISMATCH ${p}`).join('\n'));
        if (!ok) {
          say(`Backup in ${backup.description} does not verify (${report.problems.length} problem(s))`);
          process.exitCode = 1;
        }
        return;
      }
      const from = installation(options, 'backup');
      const backup = target(location);
      const misplaced = backup.localPath ? await misplacedBackup(from.dataDir, backup.localPath) : null;
      if (misplaced) throw new UsageError(misplaced);
      const report = await backupInstallation(from, backup, { prune: opts.prune });
      print(
        options,
        report,
        `Backed up the ${from.databaseUrl ? 'PostgreSQL (pg_dump)' : 'SQLite'} database and ${report.originals} original file(s) to ${backup.description}: ` +
          `${report.written} new (${report.bytesWritten} bytes), ${report.kept} already there` +
          (report.snapshots > 1 ? `; ${report.snapshots} snapshots (originals changed under the first)` : '') +
          (report.pruned ? `; pruned ${report.pruned.files} file(s) the manifest no longer lists (${report.pruned.bytes} bytes)` : ''),
      );
      if (report.pruned?.failed) {
        say(`The backup is complete, but pruning stopped: ${report.pruned.failed} (run it again with --prune)`);
        process.exitCode = 1;
      }
    });

  program
    .command('restore <dir>')
    .description('restore the backup in <dir> or s3://bucket/prefix into an empty installation (data directory, PostgreSQL database, bucket prefix), after verifying every file')
    .addHelpText('after', '\nExample:\n  imgapi restore /srv/backups/imgapi --data /var/lib/imgapi-new')
    .action(async (location: string, _opts: unknown, cmd: Command) => {
      const options = globals(cmd);
      const into = installation(options, 'restore');
      const report = await restoreInstallation(into, target(location));
      const database = into.databaseUrl ? 'the PostgreSQL database' : join(into.dataDir, 'imgapi.db');
      const originals = into.storage ? describeLocation(into.storage) : join(into.dataDir, 'originals');
      print(options, { dataDir: into.dataDir, ...report }, `Restored the database into ${database} and ${report.originals} original file(s), ${report.bytes} bytes, into ${originals}`);
    });
}
