import type { Command } from 'commander';
import { backendAction } from '../actions';
import { notFound } from '../../src/core/errors';
import { print } from '../options';

export function registerPreset(program: Command): void {
  const preset = program.command('preset').description('named transforms for unsigned URLs');

  preset
    .command('list')
    .description('list presets')
    .addHelpText('after', '\nExample:\n  imgapi preset list --json')
    .action(
      backendAction(async (backend, options) => {
        const presets = await backend.listPresets();
        print(options, presets, presets.map((p) => `${p.name}\t${p.params}`).join('\n'));
      }),
    );

  preset
    .command('create <name> <params>')
    .description('create a preset (params are stored in canonical form)')
    .addHelpText('after', '\nExample:\n  imgapi preset create thumb w_240,h_240,c_fill,f_webp,q_75')
    .action(
      backendAction(async (backend, options, name: string, params: string) => {
        const created = await backend.createPreset(name, params);
        print(options, created, `${created.name}\t${created.params}`);
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
