import type { Command } from 'commander';
import { localAction } from '../actions';
import { print, say } from '../options';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the database against the files; repair what is safe (local mode)')
    .option('--dry-run', 'report only, change nothing')
    .addHelpText('after', '\nExample:\n  imgapi doctor --data /var/lib/imgapi')
    .action(
      localAction(async (ctx, options, opts: { dryRun?: boolean }) => {
        const report = await ctx.doctor.run({ repair: !opts.dryRun });
        const verb = report.repaired ? 'removed' : 'would remove';
        const lines = [
          `${report.images} images checked`,
          `${report.orphanOriginals.length} orphan original file(s) ${verb}`,
          `${report.orphanVariants.length} stale variant file(s) ${verb}`,
          ...(report.repaired ? [`${report.tempFiles} abandoned temp file(s) removed`] : []),
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
