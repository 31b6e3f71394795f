import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';

export interface LocalFile {
  absolute: string;
  /** Path relative to the root it was found under, with `/` separators. */
  relative: string;
  size: number;
  mtimeMs: number;
}

const hidden = (name: string) => name.startsWith('.');

/** Regular files under `root` (its sub-folders too when `recursive`), skipping dotfiles. */
export function walk(root: string, recursive: boolean): LocalFile[] {
  const found: LocalFile[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (hidden(entry.name)) continue;
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive) visit(absolute);
      } else if (entry.isFile()) {
        const stat = statSync(absolute);
        found.push({ absolute, relative: relative(root, absolute).split(sep).join('/'), size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  visit(root);
  return found;
}

/** Files named on the command line: a file stands for itself, a directory for its contents. */
export function collect(paths: readonly string[], recursive: boolean): LocalFile[] {
  return paths.flatMap((path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) return walk(path, recursive);
    return [{ absolute: path, relative: basename(path), size: stat.size, mtimeMs: stat.mtimeMs }];
  });
}

export function readWithHash(path: string): { data: Uint8Array; hash: string } {
  const data = new Uint8Array(readFileSync(path));
  return { data, hash: createHash('sha256').update(data).digest('hex') };
}

/** `base` + the directory part of a relative path: where a file lands on the server. */
export function targetOf(base: string, relativePath: string): { folder: string; name: string } {
  const cut = relativePath.lastIndexOf('/');
  const dir = cut < 0 ? '' : relativePath.slice(0, cut);
  const cleanBase = base.replace(/^\/+|\/+$/g, '');
  return { folder: [cleanBase, dir].filter(Boolean).join('/'), name: relativePath.slice(cut + 1) };
}

export const displayPath = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);
