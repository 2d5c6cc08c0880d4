import { z } from 'zod';
import { describeIssues } from '../../errors.js';

/** How the router trades expected cost against expected latency; weights sum to 1. */
export interface RoutingPolicy {
  name: string;
  weights: { cost: number; latency: number };
}

export const namedPolicies = {
  cheapest: { cost: 1, latency: 0 },
  fastest: { cost: 0, latency: 1 },
  balanced: { cost: 0.5, latency: 0.5 },
} as const;

const weightsSchema = z
  .string()
  .transform((text) => text.split(',').map((pair) => pair.split('=').map((part) => part.trim())))
  .pipe(
    z
      .array(z.tuple([z.enum(['cost', 'latency']), z.coerce.number<string>().min(0).max(1000)]))
      .min(1, 'name cost and/or latency, e.g. cost=0.7,latency=0.3'),
  )
  .transform((pairs) => Object.fromEntries(pairs) as Partial<Record<'cost' | 'latency', number>>)
  .refine(
    (weights) => (weights.cost ?? 0) + (weights.latency ?? 0) > 0,
    'at least one weight must be above 0',
  );

const policyNameSchema = z.enum(['cheapest', 'fastest', 'balanced']);

export class RoutingPolicyError extends Error {
  override name = 'RoutingPolicyError';
}

/** Reads ROUTER_POLICY: cheapest | fastest | balanced | explicit weights such as cost=0.7,latency=0.3. */
export function parseRoutingPolicy(text: string): RoutingPolicy {
  const named = policyNameSchema.safeParse(text.trim());
  if (named.success) return { name: named.data, weights: { ...namedPolicies[named.data] } };
  const result = weightsSchema.safeParse(text.trim());
  if (!result.success) {
    throw new RoutingPolicyError(
      `ROUTER_POLICY "${text}" is not cheapest, fastest, balanced or weights like cost=0.7,latency=0.3 (${describeIssues(result.error.issues)})`,
    );
  }
  const value = result.data;
  const cost = value.cost ?? 0;
  const latency = value.latency ?? 0;
  const total = cost + latency;
  return {
    name: `weighted cost=${round(cost / total)},latency=${round(latency / total)}`,
    weights: { cost: cost / total, latency: latency / total },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
