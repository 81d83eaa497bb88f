import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from './keyed-limiter.js';

describe('KeyedLimiter', () => {
  it('runs at most the limit per key at once, and keys independently', async () => {
    const limiter = new KeyedLimiter(2);
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    const task = (key: string) =>
      limiter.run(key, async () => {
        active.set(key, (active.get(key) ?? 0) + 1);
        peak.set(key, Math.max(peak.get(key) ?? 0, active.get(key)!));
        await new Promise((resolve) => setTimeout(resolve, 5));
        active.set(key, active.get(key)! - 1);
        return key;
      });
    const results = await Promise.all([
      ...Array.from({ length: 7 }, () => task('a')),
      ...Array.from({ length: 3 }, () => task('b')),
    ]);
    expect(results.filter((r) => r === 'a')).toHaveLength(7);
    expect(peak.get('a')).toBe(2);
    expect(peak.get('b')).toBe(2);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new KeyedLimiter(1);
    await expect(limiter.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run('a', () => Promise.resolve('ok'))).toBe('ok');
  });
});
