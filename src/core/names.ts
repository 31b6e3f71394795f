import { invalid } from './errors';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides and zero-width characters make a name display as something it is not.
const DECEPTIVE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A display name for an upload: base name only, no control or bidi characters, ≤ 255 chars. */
export function sanitizeFileName(input: string | undefined): string {
  const base = (input ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.normalize('NFC').replace(CONTROL, '').replace(DECEPTIVE, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'image' : clean;
}

/** Validates one folder name (SPEC §3): 1–100 characters, not . or .., no slashes or control characters. */
export function validateFolderName(input: string): string {
  const name = input.normalize('NFC');
  if (name.length < 1 || name.length > 100) throw invalid(`Folder name "${name}" must be 1 to 100 characters`);
  if (name === '.' || name === '..') throw invalid(`Folder name "${name}" is not allowed`);
  if (/[/\\]/.test(name) || new RegExp(CONTROL.source).test(name)) {
    throw invalid(`Folder name "${name.replace(CONTROL, '?')}" contains a slash, backslash or control character`);
  }
  return name;
}

/** Splits `a/b/c` into validated segments; leading and trailing slashes are ignored; '' is the root. */
export function parseFolderPath(input: string): string[] {
  const trimmed = input.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  return trimmed.split('/').map((segment) => {
    if (segment === '') throw invalid(`Folder path "${input}" has an empty segment`);
    return validateFolderName(segment);
  });
}

const CLIENT_ID = /^[a-z0-9][a-z0-9-]{1,31}$/;
const PRESET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function validateClientId(id: string): string {
  if (!CLIENT_ID.test(id)) throw invalid(`Client id "${id}" must match [a-z0-9][a-z0-9-]{1,31}`);
  return id;
}

export function validatePresetName(name: string): string {
  if (!PRESET_NAME.test(name)) throw invalid(`Preset name "${name}" must match [a-z0-9][a-z0-9_-]{0,63}`);
  return name;
}

export const isClientId = (id: string) => CLIENT_ID.test(id);
