import { applyTheme, followThemeChanges } from './theme';

// Loaded as a classic script in <head>, before the stylesheet paints anything: no flash of the other theme.
applyTheme();
followThemeChanges();
