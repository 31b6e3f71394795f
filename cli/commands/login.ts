import type { Command } from 'commander';
import { createRemoteBackend } from '../backend/remote';
import { UsageError } from '../errors';
import { globals, print, say } from '../options';
import { deleteProfile, writeProfile } from '../profile';
import { askPassword } from './user';

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('save a server URL and API key as the default for remote mode (file mode 0600)')
    .addHelpText('after', '\nExample:\n  imgapi login --url https://img.example.com --key "$IMGAPI_KEY"')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globals(cmd);
      const url = options.url ?? process.env.IMGAPI_URL;
      if (!url) throw new UsageError('login needs --url (or IMGAPI_URL)');
      const key = options.key ?? process.env.IMGAPI_KEY ?? (await askPassword('API key'));
      // Check the pair works before saving it.
      await createRemoteBackend({ url, apiKey: key }).listKeys();
      const path = writeProfile(process.env, { url, key });
      say(`Saved ${url} to ${path}`);
      print(options, { url, profile: path }, '');
    });

  program
    .command('logout')
    .description('forget the saved profile')
    .addHelpText('after', '\nExample:\n  imgapi logout')
    .action(async (_opts: unknown, cmd: Command) => {
      const removed = deleteProfile(process.env);
      say(removed ? 'Profile removed' : 'No profile saved');
      print(globals(cmd), { removed }, '');
    });
}
