import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface FileState {
  size: number;
  mtimeMs: number;
  hash: string;
  /** The image that mirrors the file; absent when the server refused the file. */
  id?: string;
}

/**
 * What `watch` already ingested, kept outside the watched directory (XDG state dir) so a
 * restart does not re-read or re-upload unchanged files.
 */
export function openWatchState(env: Record<string, string | undefined>, localDir: string, target: string) {
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const id = createHash('sha256').update(`${resolve(localDir)}\n${target}`).digest('hex').slice(0, 16);
  const path = join(stateHome, 'imgapi', `watch-${id}.json`);
  const files: Record<string, FileState> = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).files ?? {} : {};

  return {
    path,
    get: (relative: string): FileState | undefined => files[relative],
    set(relative: string, state: FileState) {
      files[relative] = state;
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify({ localDir: resolve(localDir), target, files }), { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
