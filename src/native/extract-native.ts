import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** One embedded file and where it goes, relative to the extraction directory. */
export interface EmbeddedFile {
  /** Path inside the executable ($bunfs), as `import … with { type: 'file' }` gives it. */
  embedded: string;
  relative: string;
}

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1;
}

/**
 * A cache root is usable only if it is a real directory we own that nobody else can write:
 * the addon's RPATH reaches one level above the extraction directory, and a world-writable
 * directory there would let another user plant a library.
 */
function isPrivateDir(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && (uid() < 0 || stat.uid === uid()) && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function ensurePrivateDir(path: string): boolean {
  try {
    if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isPrivateDir(path);
}

/** Candidate cache roots, best first: XDG cache, ~/.cache, then a private 0700 dir in tmp. */
export function cacheRoots(env: Record<string, string | undefined>): string[] {
  const roots: string[] = [];
  if (env.XDG_CACHE_HOME) roots.push(join(env.XDG_CACHE_HOME, 'imgapi'));
  const home = env.HOME || homedir();
  if (home) roots.push(join(home, '.cache', 'imgapi'));
  roots.push(join(tmpdir(), `imgapi-${uid()}`));
  return roots;
}

async function writeAtomically(target: string, data: Uint8Array): Promise<void> {
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o700);
  try {
    let offset = 0;
    while (offset < data.byteLength) offset += writeSync(fd, data, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // rename is atomic: a process starting alongside sees no file or the whole file.
  renameSync(tmp, target);
}

/**
 * Extracts the embedded files into `<root>/<tag>/` once (a `.complete` marker is written
 * last), removes extraction directories of other versions, and returns the directory.
 */
export async function extractTo(root: string, tag: string, files: readonly EmbeddedFile[]): Promise<string> {
  const dir = join(root, tag);
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    for (const file of files) {
      const target = join(dir, file.relative);
      if (existsSync(target) && statSync(target).size === Bun.file(file.embedded).size) continue;
      // Reading the embedded file works where copyFileSync from $bunfs does not.
      await writeAtomically(target, new Uint8Array(await Bun.file(file.embedded).arrayBuffer()));
    }
    await writeAtomically(marker, new TextEncoder().encode(tag));
  }
  for (const entry of readdirSync(root)) {
    if (entry !== tag && !entry.startsWith('.')) rmSync(join(root, entry), { recursive: true, force: true });
  }
  return dir;
}

/** Extracts into the first usable cache root where `load` succeeds (a noexec mount fails dlopen). */
export async function extractAndLoad<T>(
  tag: string,
  files: readonly EmbeddedFile[],
  load: (dir: string) => T,
  env: Record<string, string | undefined> = process.env,
): Promise<T> {
  const errors: string[] = [];
  for (const root of cacheRoots(env)) {
    if (!ensurePrivateDir(root)) {
      errors.push(`${root}: not a private directory owned by this user`);
      continue;
    }
    try {
      return load(await extractTo(root, tag, files));
    } catch (error) {
      errors.push(`${root}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`Could not load the embedded image library:\n  ${errors.join('\n  ')}`);
}
