import { AppError, invalid } from './errors';

/**
 * Bounds on what one request may ask for, declared together so the README's table and the
 * checks cannot drift apart. Each bound keeps one tenant from costing every other tenant memory
 * or latency (a 10 000-level folder path made `GET /folders` answer 128 MB).
 */
export const LIMITS = {
  folderDepth: 32,
  /** Characters (code points) in a folder's whole path, separators included. */
  folderPathChars: 1024,
  /** Bytes of a request's path and query: longer ones are refused before routing. */
  urlPathBytes: 8 * 1024,
  /** Bytes of a JSON (or any non-upload) request body. */
  jsonBodyBytes: 1024 * 1024,
  /**
   * Pixels on which `trim` looks for its border: finding it costs ~0.1 s a megapixel, so on a
   * 100 MP source it alone took 12 s, past the transform deadline. Larger images are searched on
   * a shrunk copy (`transform/trim-box.ts`).
   */
  trimAnalysisPixels: 4_000_000,
  /**
   * Output pixels `sharpen` may work on: its unsharp mask (on LAB lightness) costs 0.04–0.07 s a
   * megapixel here (sigma 0.05–5), 4.8 s at 8192², which took such a JPEG to 15 s, past the
   * transform deadline. 4096² is more than a 5K screen.
   */
  sharpenOutputPixels: 4096 * 4096,
  /** Images one bulk request (`POST /images/bulk`, `/images/zip`) names: each is its own transaction. */
  bulkIds: 500,
  /**
   * Bytes of originals one ZIP download holds: the archive is written without ZIP64, whose
   * 4 GiB ceiling this keeps well under, and a download that large is better made in parts.
   */
  zipBytes: 1024 * 1024 * 1024,
} as const;

export const codePoints = (text: string) => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

export function checkFolderDepth(segments: readonly string[]): void {
  if (segments.length > LIMITS.folderDepth) {
    throw invalid(`Folder path has ${segments.length} levels; at most ${LIMITS.folderDepth} are allowed`);
  }
}

/** A path, or the length in code points of the longest path a change would produce. */
export function checkFolderPathLength(path: string | number): void {
  const length = typeof path === 'number' ? path : codePoints(path);
  if (length > LIMITS.folderPathChars) {
    throw invalid(`Folder path would be ${length} characters long; at most ${LIMITS.folderPathChars} characters are allowed`);
  }
}

/** Output size before `trim`, which only makes it smaller. */
export function checkSharpenSize(width: number, height: number): void {
  if (width * height > LIMITS.sharpenOutputPixels) {
    const side = Math.sqrt(LIMITS.sharpenOutputPixels);
    throw new AppError('limit_exceeded', `sharpen works on outputs of at most ${side}×${side} pixels; this one would be ${width}×${height}: ask for a smaller w or h`);
  }
}

export const tooManyFolders = (max: number) =>
  new AppError('conflict', `This client already has its limit of ${max} folders; delete some first (the limit is IMGAPI_MAX_FOLDERS)`);
