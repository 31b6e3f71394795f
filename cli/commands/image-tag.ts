import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { editTags } from '../../src/core/image-labels';
import { backendAction } from '../actions';
import type { Backend, ImagePatch, ImageView } from '../backend/types';
import { parseCsv } from '../csv';
import { UsageError } from '../errors';
import { print, say, type GlobalOptions } from '../options';

interface TagOptions {
  add?: string;
  remove?: string;
  set?: string;
  alt?: string;
  csv?: string;
}

/** `a, b,,c` as ["a", "b", "c"]: the core normalizes each. */
const tagList = (text: string, separator: string) => text.split(separator).map((tag) => tag.trim()).filter((tag) => tag !== '');

const tagLine = (image: ImageView) => `${image.id}\t${image.tags.length > 0 ? image.tags.join(', ') : '(no tags)'}`;

/** One image: its tags (set, then added to and removed from) and, with --alt, its alt text. */
async function tagOne(backend: Backend, options: GlobalOptions, id: string, opts: TagOptions): Promise<void> {
  const current = await backend.getImage(id);
  const patch: ImagePatch = {
    tags: editTags(opts.set === undefined ? current.tags : tagList(opts.set, ','), {
      add: opts.add === undefined ? [] : tagList(opts.add, ','),
      remove: opts.remove === undefined ? [] : tagList(opts.remove, ','),
    }),
  };
  if (opts.alt !== undefined) patch.alt = opts.alt;
  const updated = await backend.updateImage(id, patch);
  print(options, updated, tagLine(updated));
}

interface RowFailure {
  row: number;
  id: string;
  error: string;
}

/**
 * Applies a CSV with a header row naming `id` and `tags` and/or `alt` (other columns, as an
 * `export --csv` file has, are left alone): each row sets that image's tags (`;`-separated; an
 * empty cell clears them) and alt text. Rows fail on their own; exit 1 if any did.
 */
async function tagFromCsv(backend: Backend, options: GlobalOptions, file: string): Promise<void> {
  const [header, ...rows] = parseCsv(readFileSync(file === '-' ? 0 : file, 'utf8'));
  const columns = (header ?? []).map((name) => name.trim().toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  if (at('id') < 0 || (at('tags') < 0 && at('alt') < 0)) {
    throw new UsageError(`The CSV's first row must name the columns: id and tags and/or alt (got "${columns.join(',')}")`);
  }
  const updated: string[] = [];
  const failed: RowFailure[] = [];
  for (const [index, cells] of rows.entries()) {
    const row = index + 2; // the header is row 1
    if (cells.every((cell) => cell.trim() === '')) continue;
    const id = (cells[at('id')] ?? '').trim();
    try {
      if (cells.length !== columns.length) throw new Error(`has ${cells.length} fields; the header has ${columns.length}`);
      if (id === '') throw new Error('has no id');
      const patch: ImagePatch = {};
      if (at('tags') >= 0) patch.tags = tagList(cells[at('tags')]!, ';');
      if (at('alt') >= 0) patch.alt = cells[at('alt')]!;
      await backend.updateImage(id, patch);
      updated.push(id);
    } catch (error) {
      failed.push({ row, id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const lines = [...updated.map((id) => `updated ${id}`), ...failed.map((f) => `failed row ${f.row}${f.id ? ` (${f.id})` : ''}: ${f.error}`)];
  print(options, { updated, failed }, lines.join('\n'));
  say(`${updated.length} updated, ${failed.length} failed`);
  if (failed.length > 0) process.exitCode = 1;
}

/** `image tag`: one image's tags from options, or many images' tags and alt text from a CSV. */
export function registerImageTag(image: Command): void {
  image
    .command('tag [id]')
    .description("change an image's tags (and alt text), or apply a CSV of id,tags,alt to many images")
    .option('--add <tags>', 'comma-separated tags to add')
    .option('--remove <tags>', 'comma-separated tags to remove')
    .option('--set <tags>', 'replace every tag with these (comma-separated; "" for none); --add and --remove apply after')
    .option('--alt <text>', 'set the alt text too ("" clears it)')
    .option('--csv <file>', 'a CSV (header row: id and tags and/or alt; tags separated by ";"), "-" for stdin')
    .addHelpText(
      'after',
      '\nTags are trimmed, lower-cased and deduplicated; at most 50 an image, each 1-64 characters without "," or ";".' +
        '\n\nExamples:\n  imgapi image tag AbC123 --add "red,summer sale" --remove draft\n  imgapi image tag AbC123 --set "" --alt "A red shoe"' +
        '\n  imgapi export --csv > images.csv   # edit the tags and alt columns, then:\n  imgapi image tag --csv images.csv',
    )
    .action((id: string | undefined, opts: TagOptions, command: Command) => {
      const edits = opts.add !== undefined || opts.remove !== undefined || opts.set !== undefined || opts.alt !== undefined;
      if (opts.csv !== undefined) {
        if (id !== undefined || edits) throw new UsageError('--csv takes its ids and tags from the file: give no id, --add, --remove, --set or --alt');
        return backendAction(async (backend, options) => tagFromCsv(backend, options, opts.csv!))(command);
      }
      if (id === undefined) throw new UsageError('Name the image (imgapi image tag <id> --add a,b), or give --csv <file>');
      if (!edits) throw new UsageError('Say what changes: --add, --remove, --set or --alt');
      return backendAction(async (backend, options) => tagOne(backend, options, id, opts))(command);
    });
}
