import type { Command } from 'commander';
import { databaseUrl, loadConfig, storageLocation } from '../../src/config';
import { migrateInstallation } from '../../src/copy-installation';
import { UsageError } from '../errors';
import { globals, print, say } from '../options';
import { createProgress } from '../progress';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('copy this single-node installation (rows, originals) into PostgreSQL and/or S3; resumable, verified')
    .option('--to-database <url>', 'PostgreSQL to copy every row into (postgres://…)')
    .option('--to-storage <url>', 'bucket to copy every original into (s3://bucket/prefix?endpoint=…&region=…)')
    .option('--concurrency <n>', 'originals in flight', '8')
    .addHelpText(
      'after',
      '\nExample:\n  imgapi migrate --data /var/lib/imgapi \\\n    --to-database postgres://imgapi@db/imgapi --to-storage "s3://media/imgapi?endpoint=https://s3.example.com&region=auto"',
    )
    .action(async (opts: { toDatabase?: string; toStorage?: string; concurrency: string }, cmd: Command) => {
      const options = globals(cmd);
      if (!opts.toDatabase && !opts.toStorage) throw new UsageError('Name a target: --to-database and/or --to-storage');
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be 1–64');
      let bar: ReturnType<typeof createProgress> | undefined;
      const report = await migrateInstallation({
        dataDir: loadConfig(process.env, { data: options.data }).dataDir,
        toDatabase: databaseUrl(opts.toDatabase, '--to-database'),
        toStorage: storageLocation(opts.toStorage, process.env, '--to-storage'),
        concurrency,
        onOriginals: (count, bytes) => (bar = createProgress(count, bytes, !options.json)),
      });
      bar?.stop('originals copied');
      const lines = [
        ...(report.tables ?? []).map((t) => `${t.table}: ${t.source} row(s), ${t.verified} verified in the target`),
        ...(report.originals
          ? [
              `originals: ${report.originals.total}, ${report.originals.copied} copied, ${report.originals.skipped} already there, ${report.originals.verified} verified by SHA-256`,
              ...report.originals.failures.map((f) => `FAILED ${f.key}: ${f.reason}`),
            ]
          : []),
        report.ok ? 'Verified. Variants are not copied: nodes make them again on demand.' : 'NOT complete: run the command again to resume',
      ];
      print(options, report, lines.join('\n'));
      if (!report.ok) {
        say('Migration incomplete');
        process.exitCode = 1;
      }
    });
}
