import { describe, expect, it } from 'vitest';
import { measureWidget, WIDGET_BUDGETS } from '../../client/scripts/widget-size.js';
import { ensureClientBuilt } from '../support/browser.js';

describe('the widget’s size budget', () => {
  it('stays within 4 KB before any click and 40 KB before the first message (gzipped)', () => {
    ensureClientBuilt();
    const sizes = measureWidget();
    expect(sizes.loaderBytes).toBeGreaterThan(500);
    expect(sizes.loaderBytes).toBeLessThanOrEqual(WIDGET_BUDGETS.loaderBytes);
    expect(sizes.beforeFirstMessageBytes).toBeLessThanOrEqual(WIDGET_BUDGETS.beforeFirstMessageBytes);
    // The socket client is in the panel, and markdown waits for the first message.
    expect(sizes.files.some((file) => file.when === 'first message')).toBe(true);
  });
});
