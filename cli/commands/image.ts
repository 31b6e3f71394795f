import { IMAGE_SORTS, LISTED_FORMATS, ORIENTATIONS, type ListingParams } from '../../src/core/listing-filters';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/core/paging';
import type { Command } from 'commander';
import { backendAction } from '../actions';
import type { ImageView } from '../backend/types';
import { UsageError } from '../errors';
import { displayPath } from '../source-files';
import { print } from '../options';
import { registerImageBulk } from './image-bulk';
import { registerImageRestore } from './trash';
import { registerImageTag } from './image-tag';

const line = (i: ImageView) => `${i.id}\t${displayPath(i.folder, i.originalName)}\t${i.width}x${i.height}\t${i.format}\t${i.bytes}`;
const focusLine = (i: ImageView) => `${line(i)}\t${i.focalPoint ? `focal point ${i.focalPoint.x},${i.focalPoint.y}` : 'no focal point'}`;

/**
 * The point `image focus` was given, or null for --clear. Checked here, before anything is
 * opened, so a mistyped number is a usage error in local and remote mode alike.
 */
function focusArgs(x: string | undefined, y: string | undefined, clear: boolean): { x: number; y: number } | null {
  if (clear) {
    if (x !== undefined) throw new UsageError('Give either <x> <y> or --clear, not both');
    return null;
  }
  if (y === undefined) throw new UsageError('Give <x> and <y> (fractions from 0 to 1), or --clear');
  const fraction = (text: string, name: string) => {
    const value = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${name} must be a number from 0 to 1, not "${text}"`);
    return value;
  };
  return { x: fraction(x!, 'x'), y: fraction(y, 'y') };
}

export function registerImage(program: Command): void {
  const image = program.command('image').description('uploaded images');

  image
    .command('list')
    .description('list images, newest first unless --sort says otherwise')
    .option('--folder <path>', 'only this folder ("/" for the root)')
    .option('--recursive', 'with --folder: and the folders below')
    .option('--q <text>', 'name, alt text or a tag contains (case-insensitive)')
    .option('--tag <tag>', 'only images with this tag')
    .option('--sort <order>', `${IMAGE_SORTS.join(', ')} (name: A to Z; size: largest first; width: widest first)`, 'newest')
    .option('--format <format>', `only originals of this format: ${LISTED_FORMATS.join(', ')}`)
    .option('--orientation <shape>', ORIENTATIONS.join(', '))
    .option('--min-width <px>', 'at least this many pixels wide')
    .option('--from <date>', 'uploaded on or after: 2026-03-01 (UTC) or 2026-03-01T12:00:00Z')
    .option('--to <date>', 'uploaded on or before (a date includes its whole day, UTC)')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', `images per page (max ${MAX_PAGE_SIZE})`, String(DEFAULT_PAGE_SIZE))
    .addHelpText('after', '\nExamples:\n  imgapi image list --folder products --recursive --q shoe\n  imgapi image list --sort size --format png --orientation landscape --min-width 1200 --from 2026-03-01')
    .action(
      backendAction(async (backend, options, opts: { folder?: string; recursive?: boolean; q?: string; tag?: string; page: string; pageSize: string; minWidth?: string } & ListingParams) => {
        const page = await backend.listImages({
          folder: opts.folder,
          recursive: opts.recursive,
          q: opts.q,
          tag: opts.tag,
          page: Number(opts.page),
          pageSize: Number(opts.pageSize),
          listing: { sort: opts.sort, format: opts.format, orientation: opts.orientation, minWidth: opts.minWidth, from: opts.from, to: opts.to },
        });
        print(options, page, page.items.map(line).join('\n'));
      }),
    );

  image
    .command('get <id>')
    .description("show one image's metadata")
    .addHelpText('after', '\nExample:\n  imgapi image get AbC123 --json')
    .action(
      backendAction(async (backend, options, id: string) => {
        const found = await backend.getImage(id);
        print(options, found, line(found));
      }),
    );

  image
    .command('focus <id> [x] [y]')
    .description('set the point crops centre on (x from the left, y from the top, 0 to 1), or clear it')
    .option('--clear', 'remove the point: crops centre on the middle again')
    .addHelpText('after', '\nExamples:\n  imgapi image focus AbC123 0.3 0.25\n  imgapi image focus AbC123 --clear')
    .action((id: string, x: string | undefined, y: string | undefined, opts: { clear?: boolean }, command: Command) => {
      const focalPoint = focusArgs(x, y, opts.clear === true);
      return backendAction(async (backend, options) => {
        const updated = await backend.updateImage(id, { focalPoint });
        print(options, updated, focusLine(updated));
      })(command);
    });

  registerImageTag(image);

  registerImageBulk(image);
  registerImageRestore(image);
}
