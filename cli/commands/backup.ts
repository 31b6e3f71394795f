import type { Command } from 'commander';
import { resolve } from 'node:path';
import { backupInstallation, restoreInstallation, verifyBackupDirectory } from '../../src/backup-installation';
import { loadConfig } from '../../src/config';
import { UsageError } from '../errors';
import { globals, print, say, type GlobalOptions } from '../options';

/** Backups cover the single-node setup; with PostgreSQL or a bucket the operator's own tools do it right (README). */
function localDataDir(options: GlobalOptions, command: string): string {
  if (options.url || process.env.IMGAPI_URL) throw new UsageError(`imgapi ${command} works on a data directory (--data), not against a server`);
  const config = loadConfig(process.env, { data: options.data });
  if (config.databaseUrl || config.storage) {
    throw new UsageError(
      `imgapi ${command} covers the single-node setup (SQLite and files) only; with IMGAPI_DATABASE_URL or IMGAPI_STORAGE_URL ` +
        'use pg_dump for the database and your bucket\'s own versioning or sync for originals (README "Backup and restore")',
    );
  }
  return config.dataDir;
}

export function registerBackup(program: Command): void {
  program
    .command('backup <dir>')
    .description('back up the data directory into <dir> while the server runs: a database snapshot and the originals, by SHA-256 (only new ones are written)')
    .option('--verify', 'write nothing: re-read every file of the backup in <dir> and check it against its manifest')
    .addHelpText('after', '\nExamples:\n  imgapi backup /srv/backups/imgapi --data /var/lib/imgapi\n  imgapi backup --verify /srv/backups/imgapi')
    .action(async (dir: string, opts: { verify?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      const backupDir = resolve(dir);
      if (opts.verify) {
        const report = await verifyBackupDirectory(backupDir);
        const ok = report.problems.length === 0;
        print(options, { ok, files: report.files, bytes: report.bytes, problems: report.problems }, ok ? `Verified: ${report.files} files, ${report.bytes} bytes match the manifest` : report.problems.map((p) => `MISMATCH ${p}`).join('\n'));
        if (!ok) {
          say(`Backup in ${backupDir} does not verify (${report.problems.length} problem(s))`);
          process.exitCode = 1;
        }
        return;
      }
      const report = await backupInstallation({ dataDir: localDataDir(options, 'backup'), backupDir });
      print(
        options,
        report,
        `Backed up ${report.originals} original file(s) to ${backupDir}: ${report.written} new (${report.bytesWritten} bytes), ${report.kept} already there` +
          (report.snapshots > 1 ? `; ${report.snapshots} snapshots (originals changed under the first)` : ''),
      );
    });

  program
    .command('restore <dir>')
    .description('restore the backup in <dir> into an empty data directory, after verifying every file')
    .addHelpText('after', '\nExample:\n  imgapi restore /srv/backups/imgapi --data /var/lib/imgapi-new')
    .action(async (dir: string, _opts: unknown, cmd: Command) => {
      const options = globals(cmd);
      const dataDir = localDataDir(options, 'restore');
      const report = await restoreInstallation({ dataDir, backupDir: resolve(dir) });
      print(options, { dataDir, ...report }, `Restored ${report.originals} original file(s), ${report.bytes} bytes, and the database into ${dataDir}`);
    });
}
