import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';

/** What the bench asks a service process over IPC between its batches. */
export type FigureQuestion = 'loop-delay' | 'cpu-ms' | 'loop-busy-ms';

/**
 * Answers the bench's questions: event-loop delay p99 since the last question (a blocked loop delays
 * every turn at once), CPU used so far by all threads, and the main thread's busy time so far (event-loop
 * utilization: what the next turn's events may have to wait behind), all in ms.
 */
export function answerFigures(): void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (message: FigureQuestion) => {
    if (message === 'loop-busy-ms') process.send?.(nodePerformance.eventLoopUtilization().active);
    if (message === 'cpu-ms') {
      const used = process.cpuUsage();
      process.send?.((used.user + used.system) / 1000);
    }
    if (message === 'loop-delay') {
      process.send?.(loop.percentile(99) / 1e6);
      loop.reset();
    }
  });
}

/**
 * Every allocation, sampled every 4 KB, with its stack, including objects the GC has already freed
 * (the allocation rate is what drives scavenges). `stop` writes the profile to /tmp/heap.json.
 */
export async function startHeapProfile(): Promise<{ stop: () => Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
    // Both flags are newer than @types/node's copy of the inspector protocol.
  } as never);
  return {
    stop: async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync('/tmp/heap.json', JSON.stringify(profile));
    },
  };
}
