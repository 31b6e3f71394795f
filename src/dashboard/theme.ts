/**
 * The colour theme: the user's choice, kept in localStorage, or by default the system's
 * preference. The page carries the resolved theme as `<html data-theme="light|dark">`.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'imgapi.theme';
const systemDark = () => matchMedia('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system'; // storage refused (e.g. blocked cookies): follow the system
  }
}

export function applyTheme(choice: ThemeChoice = themeChoice()): void {
  const dark = choice === 'dark' || (choice === 'system' && systemDark().matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // Not remembered, still applied.
  }
  applyTheme(choice);
}

/** Keeps the page in step when the system's preference changes, or the choice changes in another tab. */
export function followThemeChanges(): void {
  systemDark().addEventListener('change', () => applyTheme());
  addEventListener('storage', (e: StorageEvent) => e.key === KEY && applyTheme());
}
