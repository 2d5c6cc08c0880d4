import { afterEach, describe, expect, it, vi } from 'vitest';
import { startExpirySweeper } from '../../src/store/index.js';

describe('expiry sweeper', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweeps on every interval until stopped, and survives a failing sweep', async () => {
    vi.useFakeTimers();
    const sweepExpired = vi
      .fn<() => Promise<number>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue(2);
    const sweeper = startExpirySweeper({ sweepExpired }, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(sweepExpired).toHaveBeenCalledTimes(3);
    sweeper.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sweepExpired).toHaveBeenCalledTimes(3);
  });

  it('never starts a sweep while the previous one is still running', async () => {
    vi.useFakeTimers();
    let finish: (deleted: number) => void = () => undefined;
    const sweepExpired = vi.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const sweeper = startExpirySweeper({ sweepExpired }, { intervalMs: 100 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(sweepExpired).toHaveBeenCalledTimes(1);
    finish(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(sweepExpired).toHaveBeenCalledTimes(2);
    sweeper.stop();
  });
});
