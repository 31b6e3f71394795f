import type { Command } from 'commander';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/core/paging';
import { backendAction } from '../actions';
import type { TrashPage } from '../backend/types';
import { print } from '../options';
import { displayPath } from '../source-files';

const DAY_MS = 86_400_000;

/** Days until the trash job deletes it for good, counting the day under way (30 just after a delete, 1 on the last day). */
const daysLeft = (purgeAt: string, now: number) => Math.max(0, Math.ceil((Date.parse(purgeAt) - now) / DAY_MS));

const trashLine = (item: TrashPage['items'][number], now: number) =>
  `${item.image.id}\t${displayPath(item.image.folder, item.image.originalName)}\ttrashed ${item.trashedAt}\t${daysLeft(item.purgeAt, now)} days left`;

/** `imgapi trash list`: what `image delete` moved to the trash, and how long each stays. */
export function registerTrash(program: Command): void {
  const trash = program.command('trash').description('deleted images, kept IMGAPI_TRASH_DAYS (default 30) until deleted for good');
  trash
    .command('list')
    .description('list the trash, most recently deleted first')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', `images per page (max ${MAX_PAGE_SIZE})`, String(DEFAULT_PAGE_SIZE))
    .addHelpText('after', '\nExamples:\n  imgapi trash list\n  imgapi image restore AbC123')
    .action(
      backendAction(async (backend, options, opts: { page: string; pageSize: string }) => {
        const page = await backend.listTrash({ page: opts.page, pageSize: opts.pageSize });
        const now = Date.now();
        print(options, page, page.items.map((item) => trashLine(item, now)).join('\n'));
      }),
    );
}

/** `imgapi image restore <id>`: back from the trash, into its folder. */
export function registerImageRestore(image: Command): void {
  image
    .command('restore <id>')
    .description('restore an image from the trash into its folder (created again if it was deleted)')
    .addHelpText('after', '\nExample:\n  imgapi image restore AbC123')
    .action(
      backendAction(async (backend, options, id: string) => {
        const restored = await backend.restoreImage(id);
        print(options, restored, `${restored.id}\t${displayPath(restored.folder, restored.originalName)}\trestored`);
      }),
    );
}
