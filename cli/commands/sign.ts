import type { Command } from 'commander';
import { backendAction } from '../actions';
import { PICTURE_FORMATS } from '../../src/core/embed';
import { UsageError } from '../errors';
import { durationSeconds, print, widthList } from '../options';

interface SignOptions {
  preset?: string;
  html?: boolean;
  srcset?: boolean;
  widths?: string;
  sizes?: string;
  format?: string;
  expires?: string;
}

const SRCSET_FORMATS = PICTURE_FORMATS;

export function registerSign(program: Command): void {
  program
    .command('sign <imageId> [transform]')
    .description('print a public delivery URL: signed for a transform, or by preset; or a srcset or <picture>')
    .option('--preset <name>', 'a preset URL instead of a signed one')
    .option('--html', 'with a width-set --preset: print the <picture> markup')
    .option('--srcset', 'print a srcset: of a width-set --preset, or of the transform signed at --widths')
    .option('--widths <list>', 'with a transform and --srcset: comma-separated widths')
    .option('--sizes <sizes>', 'with --html: the sizes attribute (default 100vw)')
    .option('--format <format>', `with --preset --srcset: ${SRCSET_FORMATS.join(', ')} (default webp)`)
    .option('--expires <duration>', 'a signed URL that answers 410 after this long: 90s, 15m, 1h, 7d (adds exp_)')
    .addHelpText(
      'after',
      '\nExamples:\n  imgapi sign AbC123 w_600,f_webp,q_80\n  URL=$(imgapi sign AbC123 --preset thumb)\n' +
        '  imgapi sign AbC123 --preset card --html --sizes "(min-width: 800px) 50vw, 100vw"\n' +
        '  imgapi sign AbC123 --preset card --srcset --format avif\n  imgapi sign AbC123 w_800,h_600,c_fill,f_webp --widths 400,800 --srcset\n' +
        '  imgapi sign AbC123 w_600,f_webp --expires 1h',
    )
    .action(
      backendAction(async (backend, options, imageId: string, transform: string | undefined, opts: SignOptions) => {
        const expiresIn = opts.expires === undefined ? undefined : durationSeconds(opts.expires, '--expires');
        if (expiresIn !== undefined && opts.preset !== undefined) throw new UsageError('--expires goes with a signed transform: preset URLs are unsigned and cannot expire');
        if (opts.preset !== undefined && (opts.html || opts.srcset)) {
          const format = opts.format ?? 'webp';
          if (!(SRCSET_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${SRCSET_FORMATS.join(', ')}`);
          const embed = await backend.embed(imageId, { preset: opts.preset, sizes: opts.sizes });
          print(options, embed, opts.html ? embed.picture : embed.srcset[format as (typeof SRCSET_FORMATS)[number]]);
          return;
        }
        if (opts.html) throw new UsageError('--html needs a width-set --preset');
        if (opts.sizes !== undefined) throw new UsageError('--sizes goes with --preset and --html');
        if (opts.widths !== undefined && !opts.srcset) throw new UsageError('--widths goes with --srcset');
        if (opts.srcset && opts.widths === undefined) throw new UsageError('--srcset needs a width-set --preset, or --widths with a transform');
        const widths = opts.widths === undefined ? undefined : widthList(opts.widths);
        const signed = await backend.sign({ imageId, transform, preset: opts.preset, widths, expiresIn });
        print(options, signed, opts.srcset ? signed.srcset! : signed.url);
      }),
    );
}
