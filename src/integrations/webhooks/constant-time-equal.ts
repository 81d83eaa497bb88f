import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a received secret or signature with the expected one without leaking, through
 * timing, how much of it matched. Values of different lengths are simply unequal:
 * `timingSafeEqual` itself throws on them, and a verifier must never throw.
 */
export function constantTimeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
