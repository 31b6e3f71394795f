import { invalid } from './errors';
import { checkFolderDepth, checkFolderPathLength, codePoints } from './limits';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides and isolates, zero-width and other invisible format characters (Unicode Cf
// and every default-ignorable code point: variation selectors, the combining grapheme joiner,
// tags), line and paragraph separators, the Hangul fillers and the blank Braille pattern make
// a name display as something it is not: `\u202egnp.exe` shows as `exe.png`.
export const DECEPTIVE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\u2800]/gu;
/** Whether text holds a C0 or C1 control character (a NUL, a line break, a tab…). */
export const hasControlCharacter = (text: string) => new RegExp(CONTROL.source).test(text);
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Invisible characters go first: normalising around them would keep two spellings apart. */
const visible = (text: string) => text.replace(DECEPTIVE, '').normalize('NFC');
const firstChars = (text: string, count: number) => [...text].slice(0, count).join('');

/** A display name for an upload: base name only, no control or bidi characters, ≤ 255 chars. */
export function sanitizeFileName(input: string | undefined, fallback = 'image'): string {
  const base = (input ?? '').split(/[/\\]/).pop() ?? '';
  const clean = firstChars(visible(base.replace(LONE_SURROGATE, '')).replace(CONTROL, '').trim(), 255);
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

/**
 * Validates one folder name (SPEC §3): 1–100 characters, not . or .., no slashes or control
 * characters. Invisible and bidi characters are dropped and the ends trimmed, as for file
 * names, so what is stored is what a person sees; nothing left is an error.
 */
export function validateFolderName(input: string): string {
  if (LONE_SURROGATE.test(input)) throw invalid('Folder name is not valid Unicode text');
  const name = visible(input).trim();
  if (name === '') throw invalid('Folder name is empty or only spaces and invisible characters');
  if (codePoints(name) > 100) throw invalid(`Folder name "${firstChars(name, 40)}…" must be 1 to 100 characters`);
  if (name === '.' || name === '..') throw invalid(`Folder name "${name}" is not allowed`);
  if (/[/\\]/.test(name) || new RegExp(CONTROL.source).test(name)) {
    throw invalid(`Folder name "${name.replace(CONTROL, '?')}" contains a slash, backslash or control character`);
  }
  return name;
}

/**
 * Splits `a/b/c` into validated segments; leading and trailing slashes are ignored; '' is the
 * root. Depth and length are bounded (core/limits).
 */
export function parseFolderPath(input: string): string[] {
  const trimmed = input.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  const parts = trimmed.split('/');
  checkFolderDepth(parts);
  const segments = parts.map((segment) => {
    if (segment === '') throw invalid('Folder path has an empty segment');
    return validateFolderName(segment);
  });
  checkFolderPathLength(segments.join('/'));
  return segments;
}

const CLIENT_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
const PRESET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function validateClientId(id: string): string {
  if (!CLIENT_ID.test(id)) throw invalid(`Client id "${id}" must match [a-z0-9][a-z0-9-]{1,31}`);
  return id;
}

/**
 * A client's display name: trimmed, 1–100 visible characters, no control, bidi or other
 * invisible characters (rejected, not dropped: a person typed this name and should see what
 * is stored). `clientNameKey` is what must be unique per installation.
 */
export function validateClientName(input: string): string {
  if (LONE_SURROGATE.test(input)) throw invalid('Client name is not valid Unicode text');
  const name = input.normalize('NFC').trim();
  if (name === '') throw invalid('Client name is required');
  if (new RegExp(CONTROL.source).test(name) || new RegExp(DECEPTIVE.source, 'u').test(name)) {
    throw invalid('Client name must not contain control, bidi or invisible characters');
  }
  if (codePoints(name) > 100) throw invalid(`Client name "${firstChars(name, 40)}…" must be 1 to 100 characters`);
  return name;
}

/**
 * Two client names that differ only in case or in compatibility form are the same name:
 * NFKC folds look-alikes such as fullwidth letters (`Ｄｅｆａｕｌｔ` beside `Default` read
 * as one client in the picker).
 */
export const clientNameKey = (name: string) => name.normalize('NFKC').toLocaleLowerCase('en-US');

export function validatePresetName(name: string): string {
  if (!PRESET_NAME.test(name)) throw invalid(`Preset name "${name}" must match [a-z0-9][a-z0-9_-]{0,63}`);
  return name;
}

export const isClientId = (id: string) => CLIENT_ID.test(id);

/**
 * An API key's name: trimmed, at most 100 characters (cut, not refused), `default` when empty.
 * It is the actor's name in the audit log: no control, bidi or invisible characters, which
 * would make one key's entries read as another's.
 */
export function validateKeyName(input: string): string {
  if (LONE_SURROGATE.test(input)) throw invalid('Key name is not valid Unicode text');
  if (new RegExp(CONTROL.source).test(input) || new RegExp(DECEPTIVE.source, 'u').test(input)) {
    throw invalid('Key name must not contain control, bidi or invisible characters');
  }
  return firstChars(input.trim(), 100) || 'default';
}
