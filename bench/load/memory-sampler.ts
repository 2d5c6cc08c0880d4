import type { HeapSample } from './heap-growth.js';
import { type InstanceProbe, readMemory } from './server-memory.js';

export const SAMPLE_SECONDS = 2;

/**
 * Reads every instance's RSS and heap every SAMPLE_SECONDS. Each process gets a series of its own:
 * an instance started again (chaos) begins a new one, since its heap starts over.
 */
export class MemorySampler {
  readonly series = new Map<string, HeapSample[]>();
  #timer: NodeJS.Timeout | undefined;
  #started = 0;

  start(probes: () => InstanceProbe[]): void {
    this.#started = performance.now();
    this.#timer = setInterval(() => void this.#sample(probes()), SAMPLE_SECONDS * 1000);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #sample(probes: InstanceProbe[]): Promise<void> {
    const atSeconds = (performance.now() - this.#started) / 1000;
    await Promise.all(
      probes.map(async (probe) => {
        // An instance being restarted may not answer: that reading is skipped.
        const reading = await readMemory(probe).catch(() => null);
        if (!reading) return;
        const key = `${probe.name} (pid ${probe.pid})`;
        const samples = this.series.get(key) ?? [];
        samples.push({ atSeconds, ...reading });
        this.series.set(key, samples);
      }),
    );
  }
}
