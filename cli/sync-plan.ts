import type { ImageView } from './backend/types';
import type { LocalFile } from './source-files';

export type SyncAction =
  | { kind: 'upload'; path: string; file: LocalFile }
  | { kind: 'replace'; path: string; file: LocalFile; image: ImageView }
  | { kind: 'delete'; path: string; image: ImageView };

/**
 * One-way mirror: what to do so the server matches the local files. `hashOf` is asked only
 * for files whose path already exists on the server.
 */
export function planSync(
  local: readonly LocalFile[],
  remote: ReadonlyMap<string, ImageView>,
  hashOf: (file: LocalFile) => string,
  withDelete: boolean,
): SyncAction[] {
  const actions: SyncAction[] = [];
  const seen = new Set<string>();
  for (const file of local) {
    seen.add(file.relative);
    const image = remote.get(file.relative);
    if (!image) actions.push({ kind: 'upload', path: file.relative, file });
    else if (image.contentHash !== hashOf(file)) actions.push({ kind: 'replace', path: file.relative, file, image });
  }
  if (withDelete) {
    for (const [path, image] of remote) if (!seen.has(path)) actions.push({ kind: 'delete', path, image });
  }
  return actions;
}
