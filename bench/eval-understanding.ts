/**
 * How well the engine understands requests (issue #14): the table of test/recommend/understanding-cases.ts
 * (single turns and follow-ups, each with checks over the returned tracks), on the default install's
 * bundled catalog through the offline reading of the words. Part of `npm run eval:recommend`.
 */
import { bundledCatalog, createRecommender } from '../src/recommend/index.js';
import { runUnderstanding, understandingCases } from '../test/recommend/understanding-cases.js';
import { printTable } from './print-table.js';

const engine = createRecommender({ tracks: bundledCatalog() });
const outcomes = await runUnderstanding(engine);
const total = understandingCases.reduce((sum, testCase) => sum + testCase.checks.length, 0);
const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
printTable(
  ['request', 'checks passed', 'failed'],
  outcomes.map((outcome, at) => [
    outcome.turns.map((turn) => `“${turn}”`).join(' → '),
    `${outcome.passed}/${understandingCases[at]!.checks.length}`,
    outcome.failed.join('; '),
  ]),
);
console.log(
  `\n${understandingCases.length} requests, ${passed}/${total} checks passed (${((passed / total) * 100).toFixed(1)} %; target ≥ 90 %)`,
);
