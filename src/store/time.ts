import { EchoError } from '../errors.js';

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Stored times are always `Date#toISOString()` output, so string order is time order in both SQLite and
 * MongoDB and equal instants compare equal (dedupe of listening history depends on it).
 */
export function toIsoTime(value: string | Date, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new EchoError('invalid', `${field}: not a valid time`);
  return date.toISOString();
}
