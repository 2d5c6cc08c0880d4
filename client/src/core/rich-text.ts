/** Renders reply text: plain text until the markdown module has loaded, markdown after. */
type Render = (markdown: string) => DocumentFragment;

let render: Render | undefined;
let loading: Promise<void> | undefined;
/** Elements shown as plain text meanwhile, with their text: rendered again once markdown is here. */
const plain = new Map<HTMLElement, string>();

/**
 * Starts loading the markdown renderer (once). It never rejects: unreachable (offline, the server down),
 * text stays plain and the next call tries again.
 */
export function loadMarkdown(): Promise<void> {
  loading ??= import('./markdown.js').then(
    (module) => {
      render = module.renderMarkdown;
      for (const [target, text] of plain) if (target.isConnected) showRichText(target, text);
      plain.clear();
    },
    () => {
      loading = undefined;
    },
  );
  return loading;
}

export function showRichText(target: HTMLElement, text: string): void {
  if (render) {
    target.replaceChildren(render(text));
    return;
  }
  target.textContent = text;
  plain.set(target, text);
}
