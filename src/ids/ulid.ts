import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Random bytes drawn from the system this many at a time (one call per 409 ULIDs). */
const POOL_BYTES = 4096;

/** The default source of randomness: the system's, drawn in pools (a call each costs ~20 µs). */
function pooledRandom(): (n: number) => Buffer {
  const pool = Buffer.alloc(POOL_BYTES);
  let used = POOL_BYTES;
  return (n) => {
    if (used + n > POOL_BYTES) {
      randomFillSync(pool);
      used = 0;
    }
    used += n;
    return pool.subarray(used - n, used);
  };
}

/**
 * ULIDs (26 characters: 48-bit time, 80 random bits, Crockford base32), monotonic within one
 * generator: ids made in the same millisecond still sort in creation order, which is what
 * Promotion names rely on (`<stage>.<ulid>.<freight>` sorts by creation).
 */
export function createUlidGenerator(
  now: () => number = Date.now,
  random: (n: number) => Buffer = pooledRandom(),
): () => string {
  let lastTime = -1;
  const digits = new Array<number>(16).fill(0);
  return () => {
    const time = now();
    if (time === lastTime) {
      increment(digits);
    } else {
      lastTime = time;
      // 80 random bits as 16 base32 digits of 5 bits each: every 5 bytes make 8 digits.
      const bytes = random(10);
      for (let half = 0; half < 2; half++) {
        const b = bytes.subarray(half * 5, half * 5 + 5);
        const at = half * 8;
        digits[at] = b[0]! >> 3;
        digits[at + 1] = ((b[0]! & 7) << 2) | (b[1]! >> 6);
        digits[at + 2] = (b[1]! >> 1) & 31;
        digits[at + 3] = ((b[1]! & 1) << 4) | (b[2]! >> 4);
        digits[at + 4] = ((b[2]! & 15) << 1) | (b[3]! >> 7);
        digits[at + 5] = (b[3]! >> 2) & 31;
        digits[at + 6] = ((b[3]! & 3) << 3) | (b[4]! >> 5);
        digits[at + 7] = b[4]! & 31;
      }
    }
    let out = encodeTime(time);
    for (const digit of digits) out += ALPHABET[digit]!;
    return out;
  };
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return;
    }
    digits[i] = 0;
  }
  throw new Error('ULID randomness overflowed within one millisecond');
}
