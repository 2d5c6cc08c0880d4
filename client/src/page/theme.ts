const THEME_KEY = 'echotune.theme';
const themes = ['system', 'light', 'dark'] as const;
type Theme = (typeof themes)[number];

/** System theme by default; the toggle cycles system → light → dark and remembers the choice. */
export function setUpThemeToggle(button: HTMLButtonElement): void {
  const stored = localStorage.getItem(THEME_KEY);
  let theme: Theme = themes.includes(stored as Theme) ? (stored as Theme) : 'system';
  const apply = () => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    const next = themes[(themes.indexOf(theme) + 1) % themes.length];
    button.setAttribute('aria-label', `Theme: ${theme}. Switch to ${next}`);
    button.title = `Theme: ${theme}`;
    button.textContent = theme === 'light' ? '☀' : theme === 'dark' ? '☾' : '◐';
  };
  apply();
  button.addEventListener('click', () => {
    theme = themes[(themes.indexOf(theme) + 1) % themes.length]!;
    localStorage.setItem(THEME_KEY, theme);
    apply();
  });
}
