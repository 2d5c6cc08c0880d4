/**
 * Router decision time: how long choosing a deployment takes with 1, 10 and 100 deployments.
 * Two measures per size: `select` (health read from memory + scoring, what each attempt pays before
 * any network) and `route` (Router.stream up to its route event, with a model that answers at once).
 * The ratio column compares each p50 with the 1-deployment case measured in the same run.
 *
 *   npx tsx bench/router-bench.ts
 */
import { createLogger } from '../src/logger.js';
import type { Deployment, LanguageModel } from '../src/providers/index.js';
import { parseRoutingPolicy, Router } from '../src/providers/index.js';
import { MemoryHealthStore, recordAttempt } from '../src/providers/router/health/index.js';
import { selectDeployment } from '../src/providers/router/select-deployment.js';
import { estimatePromptTokens } from '../src/providers/stream-helpers/token-estimate.js';

const sizes = [1, 10, 100];
const warmup = 2_000;
const iterations = 20_000;

const instantModel: LanguageModel = {
  provider: 'bench',
  model: 'instant',
  async *stream() {
    yield { type: 'finish', reason: 'stop' };
  },
};

function deployments(count: number): Deployment[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `deployment-${index}`,
    provider: 'bench',
    model: `model-${index}`,
    inputPricePerMillion: 0.1 + (index % 7) * 0.4,
    outputPricePerMillion: 0.4 + (index % 5) * 2,
    contextWindow: 128_000,
    weight: 1,
    tags: [],
    languageModel: instantModel,
  }));
}

/** Health that looks like real traffic: measured latencies, and every tenth circuit open. */
async function seededHealth(list: Deployment[], now: number): Promise<MemoryHealthStore> {
  const health = new MemoryHealthStore();
  for (const [index, deployment] of list.entries()) {
    await health.update(deployment.id, (record) =>
      recordAttempt(
        record,
        {
          outcome: 'ok',
          ttftMs: 150 + (index % 13) * 40,
          outputTokensPerSecond: 30 + (index % 9) * 10,
          costUsd: 0,
        },
        now,
      ),
    );
    if (index % 10 === 9) {
      await health.update(deployment.id, (record) =>
        recordAttempt(
          record,
          {
            outcome: 'error',
            failure: { message: '429', retryable: true, retryAfterSeconds: 3600 },
            costUsd: 0,
          },
          now,
        ),
      );
    }
  }
  return health;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}

async function measure(run: () => unknown): Promise<{ p50: number; p99: number }> {
  for (let index = 0; index < warmup; index += 1) await run();
  const samples = new Float64Array(iterations);
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run();
    samples[index] = (performance.now() - started) * 1000;
  }
  const sorted = [...samples].sort((left, right) => left - right);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

const messages = [
  { role: 'system' as const, content: 'You are EchoTune, a music guide.' },
  { role: 'user' as const, content: 'something calm with jazz piano for a rainy evening of reading' },
];
const policy = parseRoutingPolicy('balanced');
const logger = createLogger('silent');
const rows: Array<{ measure: string; size: number; p50: number; p99: number }> = [];

for (const size of sizes) {
  const list = deployments(size);
  const ids = list.map((deployment) => deployment.id);
  const now = Date.now();
  const health = await seededHealth(list, now);
  const promptTokens = estimatePromptTokens(messages, []);
  const select = await measure(() =>
    selectDeployment({
      deployments: list,
      health: health.readNow(ids),
      policy,
      promptTokens,
      expectedOutputTokens: 300,
      now,
      explorationDraw: 1,
      explorationShare: 0.05,
    }),
  );
  rows.push({ measure: 'select', size, ...select });

  const router = new Router({ deployments: list, logger, policy, health, settings: { explorationShare: 0 } });
  const route = await measure(async () => {
    const iterator = router
      .stream({ messages, tools: [], signal: new AbortController().signal, userId: 'bench' })
      [Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
  });
  rows.push({ measure: 'route', size, ...route });
}

const format = (value: number) => value.toFixed(1).padStart(9);
console.log(`router decision time (µs), ${iterations} iterations each, Node ${process.version}`);
console.log(
  `${'measure'.padEnd(8)} ${'deployments'.padStart(11)} ${'p50 µs'.padStart(9)} ${'p99 µs'.padStart(9)} ${'p50 ratio'.padStart(10)}`,
);
for (const row of rows) {
  const baseline = rows.find((candidate) => candidate.measure === row.measure && candidate.size === 1);
  const ratio = baseline && baseline.p50 > 0 ? row.p50 / baseline.p50 : 1;
  console.log(
    `${row.measure.padEnd(8)} ${String(row.size).padStart(11)} ${format(row.p50)} ${format(row.p99)} ${`${ratio.toFixed(2)}×`.padStart(10)}`,
  );
}
console.log('ratio: p50 against the same measure with 1 deployment (the baseline), in this run');
