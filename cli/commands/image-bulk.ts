import type { Command } from 'commander';
import { LIMITS } from '../../src/core/limits';
import { MAX_PAGE_SIZE } from '../../src/core/paging';
import { backendAction } from '../actions';
import type { Backend, BulkBody, BulkResult } from '../backend/types';
import { UsageError } from '../errors';
import { print, say, type GlobalOptions } from '../options';

interface Selection {
  folder?: string;
  recursive?: boolean;
}

/** The ids given, then every image of --folder (all pages), each once. */
async function selectedIds(backend: Backend, ids: string[], selection: Selection): Promise<string[]> {
  const all = [...ids];
  if (selection.folder !== undefined) {
    for (let page = 1; ; page++) {
      const found = await backend.listImages({ folder: selection.folder, recursive: selection.recursive, page, pageSize: MAX_PAGE_SIZE });
      all.push(...found.items.map((image) => image.id));
      if (page * MAX_PAGE_SIZE >= found.total || found.items.length === 0) break;
    }
  }
  return [...new Set(all)];
}

const checkSelection = (ids: string[], selection: Selection) => {
  if (ids.length === 0 && selection.folder === undefined) throw new UsageError('Name the images: one or more ids, or --folder <path>');
  if (selection.recursive && selection.folder === undefined) throw new UsageError('--recursive goes with --folder');
};

/**
 * Runs one bulk action over the selection, `LIMITS.bulkIds` ids a request, and reports each
 * image's result: one line per image on stdout, a count on stderr (unless one image went through),
 * exit 1 if any failed.
 */
async function runBulk(backend: Backend, options: GlobalOptions, ids: string[], selection: Selection, action: Omit<BulkBody, 'ids'>, done: string) {
  const selected = await selectedIds(backend, ids, selection);
  const results: BulkResult[] = [];
  for (let at = 0; at < selected.length; at += LIMITS.bulkIds) {
    results.push(...(await backend.bulkImages({ ...action, ids: selected.slice(at, at + LIMITS.bulkIds) })).results);
  }
  const failed = results.filter((result) => !result.ok);
  const lines = results.map((r) => (r.ok ? `${done} ${r.id}` : `failed ${r.id}: ${r.error?.message ?? 'unknown error'}`));
  print(options, { results }, lines.join('\n'));
  // One image named and done: its stdout line says it all, and scripts keep a quiet stderr.
  if (selected.length === 0) say(`No images in ${selection.folder}`);
  else if (selected.length > 1 || failed.length > 0) say(`${results.length - failed.length} ${done}, ${failed.length} failed`);
  if (failed.length > 0) process.exitCode = 1;
}

/** `image move` and `image delete`: several ids, or every image of a folder, in bulk requests. */
export function registerImageBulk(image: Command): void {
  image
    .command('move [ids...]')
    .description('move images (the ids given, or every image of --folder) to another folder')
    .requiredOption('--to <folder>', 'the folder they go to (created if missing; "" or "/" for the root)')
    .option('--folder <path>', 'every image of this folder ("/" for the root)')
    .option('--recursive', 'with --folder: and the folders below')
    .addHelpText('after', '\nExamples:\n  imgapi image move AbC123 DeF456 --to archive/2026\n  imgapi image move --folder inbox --to archive')
    .action((ids: string[], opts: Selection & { to: string }, command: Command) => {
      checkSelection(ids, opts);
      const folder = opts.to.replace(/^\/+$/, '');
      return backendAction(async (backend, options) => runBulk(backend, options, ids, opts, { action: 'move', folder }, 'moved'))(command);
    });

  image
    .command('delete [ids...]')
    .description('delete images (the ids given, or every image of --folder): to the trash, or for good with --permanent')
    .option('--folder <path>', 'every image of this folder ("/" for the root)')
    .option('--recursive', 'with --folder: and the folders below')
    .option('--permanent', 'delete at once, with their files and cached variants, not to the trash')
    .addHelpText('after', '\nExamples:\n  imgapi image delete AbC123 DeF456\n  imgapi image delete --folder tmp --recursive')
    .action((ids: string[], opts: Selection & { permanent?: boolean }, command: Command) => {
      checkSelection(ids, opts);
      const action: Omit<BulkBody, 'ids'> = opts.permanent ? { action: 'delete', permanent: true } : { action: 'delete' };
      return backendAction(async (backend, options) => runBulk(backend, options, ids, opts, action, 'deleted'))(command);
    });
}
