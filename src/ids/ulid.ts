import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULIDs (26 characters: 48-bit time, 80 random bits, Crockford base32), monotonic within one
 * generator: ids made in the same millisecond still sort in creation order, which is what
 * Promotion names rely on (`<stage>.<ulid>.<freight>` sorts by creation).
 */
export function createUlidGenerator(
  now: () => number = Date.now,
  random: (n: number) => Buffer = randomBytes,
): () => string {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return () => {
    const time = now();
    if (time === lastTime) {
      lastRandom = increment(lastRandom);
    } else {
      lastTime = time;
      // 80 random bits as 16 base32 digits of 5 bits each.
      let bits = BigInt(`0x${random(10).toString('hex')}`);
      lastRandom = Array.from({ length: 16 }, () => {
        const digit = Number(bits & 31n);
        bits >>= 5n;
        return digit;
      }).reverse();
    }
    return encodeTime(time) + lastRandom.map((digit) => ALPHABET[digit]).join('');
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

function increment(digits: number[]): number[] {
  const out = [...digits];
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 31) {
      out[i]!++;
      return out;
    }
    out[i] = 0;
  }
  throw new Error('ULID randomness overflowed within one millisecond');
}
