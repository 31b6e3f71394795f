import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { chooseTheme, themeChoice, type ThemeChoice } from './theme';

const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];
const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Half a disc (the system decides), a sun, a moon. */
const ICONS: Record<ThemeChoice, JSX.Element> = {
  system: (
    <>
      <circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" stroke-width="2" />
      <path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" />
    </>
  ),
  light: (
    <>
      <circle cx="12" cy="12" r="4.5" fill="currentColor" />
      <path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
    </>
  ),
  dark: <path d="M20 14.5A8.5 8.5 0 0 1 9.5 4 8.5 8.5 0 1 0 20 14.5z" fill="currentColor" />,
};

/**
 * The header's theme toggle: each press goes system → light → dark → system, applied at once and
 * remembered in this browser. Its name says the current theme, its tooltip the next.
 */
export function ThemePicker() {
  const [choice, setChoice] = useState<ThemeChoice>(themeChoice);
  const next = ORDER[(ORDER.indexOf(choice) + 1) % ORDER.length]!;
  return (
    <button
      type="button"
      class="ghost icon-button"
      data-testid="theme-toggle"
      data-theme-choice={choice}
      aria-label={`Theme: ${LABELS[choice]}`}
      title={`Theme: ${LABELS[choice]} (switch to ${LABELS[next]})`}
      onClick={() => {
        chooseTheme(next);
        setChoice(next);
      }}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        {ICONS[choice]}
      </svg>
    </button>
  );
}
