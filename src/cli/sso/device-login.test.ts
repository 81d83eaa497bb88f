import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { pollForTokens, type PollOutcome } from './device-login.js';

/** Runs pollForTokens over scripted answers with a fake clock; answers the waits it made. */
async function run(
  answers: Array<PollOutcome<string>>,
  options: { intervalSeconds?: number; expiresInSeconds?: number } = {},
): Promise<{ result?: string; error?: Error; waits: number[]; polls: number }> {
  let clock = 0;
  const waits: number[] = [];
  let polls = 0;
  try {
    const result = await pollForTokens(
      () => {
        const answer = answers[polls++];
        if (!answer) throw new Error('polled more often than scripted');
        return Promise.resolve(answer);
      },
      {
        intervalSeconds: options.intervalSeconds,
        expiresInSeconds: options.expiresInSeconds ?? 600,
        now: () => clock,
        sleep: (ms) => {
          waits.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    return { result, waits, polls };
  } catch (err) {
    return { error: err as Error, waits, polls };
  }
}

const pending = { error: 'authorization_pending' };

describe('pollForTokens (RFC 8628 §3.5)', () => {
  it('waits the interval before every poll and returns the tokens once signed in', async () => {
    expect(await run([pending, pending, { tokens: 'id' }], { intervalSeconds: 2 })).toEqual({
      result: 'id',
      waits: [2000, 2000, 2000],
      polls: 3,
    });
  });

  it('waits 5 seconds when the provider names no interval', async () => {
    expect((await run([{ tokens: 'id' }])).waits).toEqual([5000]);
  });

  it('adds 5 seconds to the interval on slow_down, for every later poll too', async () => {
    const { result, waits } = await run(
      [pending, { error: 'slow_down' }, pending, { error: 'slow_down' }, { tokens: 'id' }],
      { intervalSeconds: 1 },
    );
    expect(result).toBe('id');
    expect(waits).toEqual([1000, 1000, 6000, 6000, 11000]);
  });

  it.each<[string, Array<PollOutcome<string>>, { expiresInSeconds?: number }, RegExp]>([
    [
      'the provider says the code expired',
      [pending, { error: 'expired_token' }],
      {},
      /code expired/,
    ],
    [
      'the code runs out of time',
      [pending, pending, pending],
      { expiresInSeconds: 12 },
      /code expired/,
    ],
    [
      'the user refuses',
      [{ error: 'access_denied' }],
      {},
      /refused at the provider \(access_denied\)/,
    ],
    [
      'the provider answers another error',
      [{ error: 'invalid_grant', description: 'device code unknown' }],
      {},
      /provider answered invalid_grant \(device code unknown\)/,
    ],
  ])('stops with a 401 when %s', async (_case, answers, options, message) => {
    const { error } = await run(answers, { intervalSeconds: 5, ...options });
    expect(isGantryError(error, 'Unauthenticated')).toBe(true);
    expect(error?.message).toMatch(message);
  });

  it('never polls past the expiry', async () => {
    const { waits, polls } = await run([pending, pending, pending, pending], {
      intervalSeconds: 5,
      expiresInSeconds: 12,
    });
    expect(polls).toBe(2);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12_000);
  });
});
