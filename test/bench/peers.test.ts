import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseOptions, turnsAt } from '../../bench/peers/options.js';
import { rssOf, treeCpuMs, treeOf } from '../../bench/peers/proc.js';
import { burst, steady } from '../../bench/peers/shapes.js';
import type { Overhead } from '../../bench/turn-overhead/turns.js';

describe('bench:peers flags', () => {
  it('defaults to both peers at 1, 50 and 200 in flight', () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({ levels: [1, 50, 200], peers: ['litellm', 'portkey'], rounds: 3 });
    expect([1, 50, 200].map((level) => turnsAt(options, level))).toEqual([20, 300, 600]);
  });

  it('reads lists and a quick run', () => {
    const options = parseOptions(['--levels', '1, 50', '--peers', 'portkey', '--quick']);
    expect(options).toMatchObject({ levels: [1, 50], peers: ['portkey'], rounds: 2, quick: true });
    expect(parseOptions(['--peers', '']).peers).toEqual([]);
  });

  it('names the flag of a bad value', () => {
    expect(() => parseOptions(['--levels', '1,x'])).toThrow(/^--levels \(item 1\)/);
    expect(() => parseOptions(['--peers', 'litellm,kong'])).toThrow(/^--peers \(item 1\)/);
    expect(() => parseOptions(['--samples', '1'])).toThrow(/^--samples:/);
    expect(() => parseOptions(['--unknown'])).toThrow(/unknown/i);
  });
});

/** A fake turn of `ms` that records how many turns were in flight when it started. */
function countingTurn(ms: number) {
  let inFlight = 0;
  const seen: number[] = [];
  const turn = async (): Promise<Overhead> => {
    inFlight += 1;
    seen.push(inFlight);
    await new Promise((resolve) => setTimeout(resolve, ms));
    inFlight -= 1;
    return { there: 1, back: 1 };
  };
  return { turn, seen };
}

describe('arrival shapes', () => {
  it('a burst sends N at once, again after all have finished', async () => {
    const { turn, seen } = countingTurn(20);
    const batch = await burst(5, 10, turn);
    expect(batch).toMatchObject({ turnsRun: 10, errors: 0 });
    expect(batch.overheads).toHaveLength(10);
    expect(seen).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });

  it('steady counts only turns started once all N are streaming, and counts failures', async () => {
    const { turn } = countingTurn(300);
    const batch = await steady(4, 8, turn);
    expect(batch.overheads).toHaveLength(8);
    // The ramp's turns ran (and cost CPU) but are not among the samples.
    expect(batch.turnsRun).toBeGreaterThan(8);
    const failing = await burst(2, 2, () => Promise.reject(new Error('refused')));
    expect(failing).toMatchObject({ overheads: [], errors: 2, firstError: 'refused' });
  });
});

describe('/proc figures', () => {
  it('counts the CPU and RSS of a child and its own children', async () => {
    expect(treeOf(process.pid)).toContain(process.pid);
    // A shell whose child burns 300 ms of CPU, then idles (`; true`: the shell stays its parent).
    const spinner = spawn('sh', [
      '-c',
      `${process.execPath} -e "while (process.cpuUsage().user < 300000); setTimeout(() => {}, 10000)"; true`,
    ]);
    const deadline = Date.now() + 10_000;
    while (treeCpuMs(spinner.pid!) < 300 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tree = treeOf(spinner.pid!);
    expect(tree).toHaveLength(2);
    expect(treeCpuMs(spinner.pid!)).toBeGreaterThanOrEqual(300);
    expect(rssOf(spinner.pid!, true)).toBeGreaterThan(rssOf(spinner.pid!, false));
    for (const pid of tree.reverse()) process.kill(pid);
  });
});
