import type { Command } from 'commander';
import { backendAction } from '../actions';
import { notFound } from '../../src/core/errors';
import { print, widthList } from '../options';
import type { PresetView } from '../backend/types';

const presetLine = (p: PresetView) => `${p.name}\t${p.params}${p.widths ? `\twidths ${p.widths.join(',')}` : ''}`;

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
    .addHelpText('after', '\nExamples:\n  imgapi preset create thumb w_240,h_240,c_fill,f_webp,q_75\n  imgapi preset create card w_1200,h_800,c_fill --widths 320,640,960,1280')
    .action(
      backendAction(async (backend, options, name: string, params: string, opts: { widths?: string }) => {
        const created = await backend.createPreset({ name, params, widths: opts.widths === undefined ? undefined : widthList(opts.widths) });
        print(options, created, presetLine(created));
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
