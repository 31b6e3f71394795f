import type { Command } from 'commander';
import { backendAction } from '../actions';
import { AppError, invalid, notFound } from '../../src/core/errors';
import { print, widthList } from '../options';
import { createCountProgress } from '../progress';

const WARM_POLL_MS = 200;
import type { PresetView, WarmProgress } from '../backend/types';

const presetLine = (p: PresetView) =>
  `${p.name}\t${p.params}${p.widths ? `\twidths ${p.widths.join(',')}` : ''}${p.eager ? `\teager ${p.formats.join(',')}` : ''}`;

export function registerPreset(program: Command): void {
  const preset = program.command('preset').description('named transforms for unsigned URLs');

  preset
    .command('list')
    .description('list presets')
    .addHelpText('after', '\nExample:\n  imgapi preset list --json')
    .action(
      backendAction(async (backend, options) => {
        const presets = await backend.listPresets();
        print(options, presets, presets.map(presetLine).join('\n'));
      }),
    );

  preset
    .command('create <name> <params>')
    .description('create a preset (params are stored in canonical form)')
    .option('--widths <list>', 'a width-set preset: comma-separated widths its unsigned URLs may ask with w_<N>')
    .option('--eager', 'compute its variants in the background on upload and replace')
    .option('--formats <list>', "comma-separated output formats eager and warmed variants are made in (default: the preset's own)")
    .addHelpText(
      'after',
      '\nExamples:\n  imgapi preset create thumb w_240,h_240,c_fill,f_webp,q_75\n  imgapi preset create card w_1200,h_800,c_fill --widths 320,640,960,1280\n  imgapi preset create hero w_1600,f_auto --eager --formats avif,webp',
    )
    .action(
      backendAction(async (backend, options, name: string, params: string, opts: { widths?: string; eager?: boolean; formats?: string }) => {
        const created = await backend.createPreset({
          name,
          params,
          widths: opts.widths === undefined ? undefined : widthList(opts.widths),
          eager: opts.eager === true,
          formats: opts.formats === undefined ? undefined : opts.formats.split(',').map((f) => f.trim()),
        });
        print(options, created, presetLine(created));
      }),
    );

  preset
    .command('update <preset>')
    .description("edit a preset (by name or id): only what is given changes; its URLs deliver the new transform at once")
    .option('--name <name>', 'a new name (URLs under the old one answer 404)')
    .option('--params <transform>', 'the new transform (stored canonical)')
    .option('--widths <list>', 'comma-separated widths its unsigned URLs may ask with w_<N>')
    .option('--no-widths', 'make it a preset without widths')
    .option('--eager', 'compute its variants in the background (queued again now for existing images)')
    .option('--no-eager', 'stop computing its variants ahead')
    .option('--formats <list>', 'comma-separated output formats of its eager and warmed variants')
    .option('--no-formats', "formats back to the preset's own")
    .addHelpText(
      'after',
      '\nExamples:\n  imgapi preset update thumb --params w_320,h_320,c_cover,f_webp,q_75\n  imgapi preset update card --widths 480,960,1440 --eager --formats avif,webp\n  imgapi preset update card --no-widths --no-eager',
    )
    .action(
      backendAction(async (backend, options, ref: string, opts: { name?: string; params?: string; widths?: string | false; eager?: boolean; formats?: string | false }) => {
        const found = (await backend.listPresets()).find((p) => p.name === ref || p.id === ref);
        if (!found) throw notFound(`Preset "${ref}"`);
        const updated = await backend.updatePreset(found.id, {
          ...(opts.name !== undefined && { name: opts.name }),
          ...(opts.params !== undefined && { params: opts.params }),
          ...(opts.widths !== undefined && { widths: opts.widths === false ? null : widthList(opts.widths) }),
          ...(opts.eager !== undefined && { eager: opts.eager }),
          ...(opts.formats !== undefined && { formats: opts.formats === false ? null : opts.formats.split(',').map((f) => f.trim()) }),
        });
        print(options, updated, presetLine(updated));
      }),
    );

  preset
    .command('warm <name>')
    .description("compute a preset's variants (every width × format) of existing images, so their first request is a hit")
    .option('--folder <path>', 'only images in this folder and below')
    .option('--stall-timeout <seconds>', 'give up when no variant finished for this long (the server computes none, e.g. IMGAPI_EAGER_CONCURRENCY=0)', '120')
    .addHelpText('after', '\nExamples:\n  imgapi preset warm card\n  imgapi preset warm card --folder products --json')
    .action(
      backendAction(async (backend, options, name: string, opts: { folder?: string; stallTimeout: string }) => {
        const stallSeconds = Number(opts.stallTimeout);
        if (!(stallSeconds > 0)) throw invalid(`--stall-timeout must be a number of seconds > 0; got ${JSON.stringify(opts.stallTimeout)}`);
        const found = (await backend.listPresets()).find((p) => p.name === name);
        if (!found) throw notFound(`Preset "${name}"`);
        const queued = await backend.warmPreset(found.id, opts.folder);
        const stopWorking = await backend.workEagerQueue?.();
        // Only what this warm queued counts (`since`): not earlier jobs of the preset, nor its failures elsewhere.
        const total = (s: WarmProgress) => s.pending + s.ready + s.failed;
        let state = queued;
        const progress = createCountProgress(total(state), 'variants', !options.json);
        let lastMove = Date.now();
        try {
          while (state.pending > 0) {
            await Bun.sleep(WARM_POLL_MS);
            const next = await backend.warmProgress(found.id, queued.since);
            if (next.ready !== state.ready || next.failed !== state.failed || next.pending !== state.pending) lastMove = Date.now();
            state = next;
            progress.update(state.ready, state.failed);
            if (state.pending > 0 && Date.now() - lastMove > stallSeconds * 1000) {
              progress.stop(state.ready, state.failed);
              throw new AppError(
                'unavailable',
                `warm ${name}: no variant finished in ${stallSeconds} s (${state.pending} still queued, ${state.ready} ready). ` +
                  'Is a server computing eager variants (IMGAPI_EAGER_CONCURRENCY > 0, IMGAPI_CONCURRENCY > 1)? The queued jobs stay and are done when one is.',
              );
            }
          }
        } finally {
          await stopWorking?.();
        }
        progress.stop(state.ready, state.failed);
        const result = { name, images: queued.images ?? 0, variants: queued.variants ?? 0, ready: state.ready, failed: state.failed };
        print(options, result, `warmed ${name}: ${result.variants} variants of ${result.images} images${result.failed ? `, ${result.failed} failed` : ''}`);
        if (state.failed > 0) process.exitCode = 1;
      }),
    );

  preset
    .command('delete <name>')
    .description('delete a preset; its URLs answer 404 from then on')
    .addHelpText('after', '\nExample:\n  imgapi preset delete thumb')
    .action(
      backendAction(async (backend, options, name: string) => {
        const found = (await backend.listPresets()).find((p) => p.name === name);
        if (!found) throw notFound(`Preset "${name}"`);
        await backend.deletePreset(found.id);
        print(options, { name, deleted: true }, `deleted preset ${name}`);
      }),
    );
}
