import { describe, expect, it } from 'vitest';
import { bundledCatalog, createRecommender } from '../../src/recommend/index.js';
import { describeCheck, runUnderstanding, understandingCases } from './understanding-cases.js';

describe('understanding what was asked (default install: bundled catalog, the offline reading)', () => {
  it('has at least 40 requests, single turns and follow-ups', () => {
    expect(understandingCases.length).toBeGreaterThanOrEqual(40);
    expect(understandingCases.filter((testCase) => testCase.turns.length > 1).length).toBeGreaterThanOrEqual(
      8,
    );
  });

  it('passes at least 90% of the checks', async () => {
    const engine = createRecommender({ tracks: bundledCatalog() });
    const outcomes = await runUnderstanding(engine);
    const total = understandingCases.reduce((sum, testCase) => sum + testCase.checks.length, 0);
    const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
    const failures = outcomes
      .filter((outcome) => outcome.failed.length > 0)
      .map((outcome) => `${outcome.turns.join(' → ')}: ${outcome.failed.join(', ')}`);
    expect(passed / total, failures.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(describeCheck({ kind: 'asks' })).toBe('asks what is meant');
  });
});
