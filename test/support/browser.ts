import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { missing, repoRoot } from './environment.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when Chromium is here; outside CI a missing one skips (and says so), under CI it fails. */
export const hasChromium =
  existsSync(CHROMIUM) || !missing('Chromium', `${CHROMIUM} is not installed (apt-get install chromium)`);

/** Headless Chromium as the machine allows it: no sandbox (root), no GPU, no calls to outside hosts. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Builds client/dist when it is missing or older than the client's sources. */
export function ensureClientBuilt(): void {
  const built = join(repoRoot, 'client', 'dist', 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(repoRoot, 'client'))) return;
  execFileSync('npm', ['run', 'build:client'], { cwd: repoRoot, stdio: 'inherit' });
}

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Serious or critical accessibility violations axe-core finds on the page (or inside `include`),
 * as "rule: target" lines so a failure says what to fix.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the page's CSP (script-src 'self') refuses inline scripts.
  await page.evaluate(readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')}`),
    );
}

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: string[] }>;
}

/** Where screenshots go: docs/screenshots when ECHOTUNE_SCREENSHOTS=1 (npm run screenshots), else nowhere. */
export function screenshotPath(name: string): string | undefined {
  if (process.env.ECHOTUNE_SCREENSHOTS !== '1') return undefined;
  const directory = join(repoRoot, 'docs', 'screenshots');
  mkdirSync(directory, { recursive: true });
  return join(directory, `${name}.png`);
}

/** Writes a screenshot to docs/screenshots when `npm run screenshots` asked for them. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = screenshotPath(name);
  if (path) await page.screenshot({ path });
}

/** Where the accessibility checks look: light and dark, desktop and phone. */
export const accessibilityLooks = [
  ['light', { width: 1280, height: 800 }],
  ['dark', { width: 1280, height: 800 }],
  ['light', { width: 390, height: 844 }],
  ['dark', { width: 390, height: 844 }],
] as const;
