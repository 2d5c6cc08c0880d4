/** What the local upstream can do to one request instead of answering it well. */
export const faultKinds = ['rate-limit', 'server-error', 'reset', 'stall', 'malformed'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** A fault for this request with probability `share`, each kind as likely as the others; else null. */
export function drawFault(share: number, random: () => number = Math.random): FaultKind | null {
  if (random() >= share) return null;
  return faultKinds[Math.floor(random() * faultKinds.length)] ?? null;
}

/** Faults injected so far, by kind, plus the clean answers. */
export type FaultCounts = Record<FaultKind | 'clean', number>;

export const emptyFaultCounts = (): FaultCounts => ({
  clean: 0,
  'rate-limit': 0,
  'server-error': 0,
  reset: 0,
  stall: 0,
  malformed: 0,
});
