import type { Command } from 'commander';
import { backendAction } from '../actions';
import { print } from '../options';

export function registerSign(program: Command): void {
  program
    .command('sign <imageId> [transform]')
    .description('print a public delivery URL: signed for a transform, or by preset')
    .option('--preset <name>', 'a preset URL instead of a signed one')
    .addHelpText('after', '\nExamples:\n  imgapi sign AbC123 w_600,f_webp,q_80\n  URL=$(imgapi sign AbC123 --preset thumb)')
    .action(
      backendAction(async (backend, options, imageId: string, transform: string | undefined, opts: { preset?: string }) => {
        const signed = await backend.sign({ imageId, transform, preset: opts.preset });
        print(options, signed, signed.url);
      }),
    );
}
