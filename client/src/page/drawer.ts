/** The chat list: a column on wide screens, a drawer on phones (opened by ☰, closed by ✕, Esc or the scrim). */
export function setUpDrawer(elements: {
  drawer: HTMLElement;
  open: HTMLButtonElement;
  close: HTMLButtonElement;
  scrim: HTMLElement;
}): { close(): void } {
  const { drawer, open, close, scrim } = elements;
  const setOpen = (value: boolean) => {
    document.body.classList.toggle('drawer-open', value);
    open.setAttribute('aria-expanded', String(value));
    scrim.hidden = !value;
    if (value) drawer.querySelector<HTMLElement>('button')?.focus();
  };
  const shut = () => {
    if (!document.body.classList.contains('drawer-open')) return;
    setOpen(false);
    open.focus();
  };
  open.addEventListener('click', () => setOpen(true));
  close.addEventListener('click', shut);
  scrim.addEventListener('click', shut);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') shut();
  });
  return {
    close() {
      document.body.classList.remove('drawer-open');
      open.setAttribute('aria-expanded', 'false');
      scrim.hidden = true;
    },
  };
}
