import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** What a host page may download for the widget, gzipped: before any click, and before the first message. */
export const WIDGET_BUDGETS = { loaderBytes: 4 * 1024, beforeFirstMessageBytes: 40 * 1024 } as const;

export interface WidgetSizes {
  loaderBytes: number;
  beforeFirstMessageBytes: number;
  /** Loaded when the first message is sent (markdown and its sanitizer), outside the budget. */
  onFirstMessageBytes: number;
  files: Array<{ file: string; gzipBytes: number; when: 'page load' | 'first open' | 'first message' }>;
}

const gzipped = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;

/**
 * Reads client/dist: widget.js, then widget/panel.js and every chunk it imports statically (loaded on
 * first open), and the chunks it imports dynamically (loaded when the first message is sent).
 */
export function measureWidget(
  dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'),
): WidgetSizes {
  const files: WidgetSizes['files'] = [
    { file: 'widget.js', gzipBytes: gzipped(join(dist, 'widget.js')), when: 'page load' },
  ];
  const seen = new Set<string>();
  const visit = (file: string, when: 'first open' | 'first message') => {
    if (seen.has(file)) return;
    seen.add(file);
    const path = join(dist, 'widget', file);
    files.push({ file: `widget/${file}`, gzipBytes: gzipped(path), when });
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g))
      visit(match[1]!, when);
    for (const match of source.matchAll(/import\(\s*["']\.\/([^"']+\.js)["']\s*\)/g))
      visit(match[1]!, 'first message');
  };
  visit('panel.js', 'first open');
  const sum = (whens: string[]) =>
    files.filter((entry) => whens.includes(entry.when)).reduce((total, entry) => total + entry.gzipBytes, 0);
  return {
    loaderBytes: sum(['page load']),
    beforeFirstMessageBytes: sum(['page load', 'first open']),
    onFirstMessageBytes: sum(['first message']),
    files,
  };
}

function main(): void {
  const sizes = measureWidget();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log('widget size (gzip -9)');
  for (const entry of sizes.files)
    console.log(`  ${entry.file.padEnd(34)} ${kb(entry.gzipBytes).padStart(9)}  ${entry.when}`);
  console.log(`  before any click        ${kb(sizes.loaderBytes)} of ${kb(WIDGET_BUDGETS.loaderBytes)}`);
  console.log(
    `  before the first message ${kb(sizes.beforeFirstMessageBytes)} of ${kb(WIDGET_BUDGETS.beforeFirstMessageBytes)}`,
  );
  const over =
    sizes.loaderBytes > WIDGET_BUDGETS.loaderBytes ||
    sizes.beforeFirstMessageBytes > WIDGET_BUDGETS.beforeFirstMessageBytes;
  if (over) {
    console.error('the widget is over its size budget');
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
