import { describe, expect, it } from 'vitest';
import { storeTimeOf } from '../../bench/load/store-time.js';
import { Scrape } from '../support/prometheus-text.js';

const metric = 'echotune_store_operation_duration_seconds';
const histogram = (operation: string, outcome: string, buckets: Array<[string, number]>, sum: number) =>
  [
    ...buckets.map(
      ([le, count]) => `${metric}_bucket{le="${le}",operation="${operation}",outcome="${outcome}"} ${count}`,
    ),
    `${metric}_sum{operation="${operation}",outcome="${outcome}"} ${sum}`,
    `${metric}_count{operation="${operation}",outcome="${outcome}"} ${buckets.at(-1)![1]}`,
  ].join('\n');

describe('store time from an instance scrape', () => {
  it('gives calls, errors, the append mean and p99 bucket, and where the time went', () => {
    const scrape = new Scrape(
      [
        `# TYPE ${metric} histogram`,
        histogram(
          'appendMessage',
          'ok',
          [
            ['0.001', 50],
            ['0.01', 98],
            ['0.1', 100],
            ['+Inf', 100],
          ],
          0.4,
        ),
        histogram(
          'recentMessages',
          'ok',
          [
            ['0.001', 10],
            ['0.01', 40],
            ['0.1', 40],
            ['+Inf', 40],
          ],
          0.2,
        ),
        histogram(
          'appendMessage',
          'error',
          [
            ['0.001', 0],
            ['0.01', 0],
            ['0.1', 2],
            ['+Inf', 2],
          ],
          0.1,
        ),
      ].join('\n'),
    );
    const time = storeTimeOf('instance 1 (pid 7)', scrape);
    expect(time).toMatchObject({ process: 'instance 1 (pid 7)', calls: 142, errors: 2, appends: 100 });
    expect(time.appendMeanMs).toBeCloseTo(4, 6);
    expect(time.appendP99AtMostMs).toBe(100);
    expect(time.busiest.map((entry) => entry.operation)).toEqual(['appendMessage', 'recentMessages']);
    expect(time.busiest[0]!.share).toBeCloseTo(0.5 / 0.7, 6);
  });

  it('says nothing it does not know: no appends, no mean and no p99', () => {
    const time = storeTimeOf('instance 2 (pid 8)', new Scrape(''));
    expect(time).toMatchObject({ calls: 0, errors: 0, appends: 0, busiest: [] });
    expect(time.appendMeanMs).toBeNaN();
    expect(time.appendP99AtMostMs).toBeNaN();
  });
});
