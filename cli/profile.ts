import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Profile {
  url: string;
  key: string;
}

export function profilePath(env: Record<string, string | undefined>): string {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(configHome, 'imgapi', 'profile.json');
}

export function readProfile(env: Record<string, string | undefined>): Profile | null {
  const path = profilePath(env);
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Profile>;
  return typeof parsed.url === 'string' && typeof parsed.key === 'string' ? { url: parsed.url, key: parsed.key } : null;
}

/** The key is a secret: the file is created 0600 (and re-chmodded if it existed). */
export function writeProfile(env: Record<string, string | undefined>, profile: Profile): string {
  const path = profilePath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function deleteProfile(env: Record<string, string | undefined>): boolean {
  const path = profilePath(env);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}
