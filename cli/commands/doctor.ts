import type { Command } from 'commander';
import type { Core } from '../../src/core-services';
import { localAction } from '../actions';
import { print, say, type GlobalOptions } from '../options';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the database against the files; repair what is safe (local mode)')
    .option('--dry-run', 'report only, change nothing')
    .option('--backfill', 'instead: compute the placeholders of images stored before they existed (resumable)')
    .addHelpText('after', '\nExamples:\n  imgapi doctor --data /var/lib/imgapi\n  imgapi doctor --backfill --data /var/lib/imgapi')
    .action(
      localAction(async (ctx, options, opts: { dryRun?: boolean; backfill?: boolean }) => {
        if (opts.backfill) return backfill(ctx, options, opts.dryRun === true);
        const report = await ctx.doctor.run({ repair: !opts.dryRun });
        const verb = report.repaired ? 'removed' : 'would remove';
        const lines = [
          `${report.images} images checked`,
          `${report.orphanOriginals.length} orphan original file(s) ${verb}`,
          `${report.orphanVariants.length} stale variant file(s) ${verb}`,
          ...(report.repaired ? [`${report.tempFiles} abandoned temp file(s) removed`] : []),
          ...(report.withoutPlaceholder > 0 ? [`${report.withoutPlaceholder} image(s) without a placeholder: imgapi doctor --backfill computes them`] : []),
          ...report.missingOriginals.map((m) => `MISSING original of image ${m.imageId} (client ${m.clientId}): restore it from a backup or delete the image`),
        ];
        print(options, report, lines.join('\n'));
        if (report.missingOriginals.length > 0) {
          say(`${report.missingOriginals.length} problem(s) need attention`);
          process.exitCode = 1;
        }
      }),
    );
}

/** Placeholders for images from before them, in batches written as they finish: an interrupted run resumes. */
async function backfill(ctx: Core, options: GlobalOptions, dryRun: boolean): Promise<void> {
  if (dryRun) {
    const missing = await ctx.backfill.countMissing();
    print(options, { withoutPlaceholder: missing }, `${missing} image(s) without a placeholder would be computed`);
    return;
  }
  const report = await ctx.backfill.run({
    onProgress: (p) => say(`placeholders: ${p.filled + p.skipped + p.failed.length} / ${p.total}${p.failed.length ? ` (${p.failed.length} failed)` : ''}`),
  });
  const lines = [
    `${report.filled} placeholder(s) computed${report.skipped ? `, ${report.skipped} image(s) replaced meanwhile (they have their own)` : ''}`,
    ...report.failed.map((f) => `FAILED image ${f.imageId} (client ${f.clientId}): ${f.message}`),
  ];
  print(options, report, lines.join('\n'));
  if (report.failed.length > 0) {
    say(`${report.failed.length} image(s) got no placeholder; a later run tries them again`);
    process.exitCode = 1;
  }
}
