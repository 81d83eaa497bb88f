import { describe, expect, it } from 'vitest';
import { SecretSet, secretDataValues } from './secret-set.js';

const SECRET = 'hunter2-Pa$$ w/ord';

describe('SecretSet', () => {
  const set = new SecretSet([SECRET]);

  it.each([
    ['the value', `token is ${SECRET}.`],
    ['its base64', `Basic ${Buffer.from(SECRET).toString('base64')}`],
    ['its base64 without padding', Buffer.from(SECRET).toString('base64').replace(/=+$/, '')],
    ['its base64url', Buffer.from(SECRET).toString('base64url')],
    ['its URL encoding', `https://h/x?q=${encodeURIComponent(SECRET)}`],
    ['its form encoding', `q=${encodeURIComponent(SECRET).replace(/%20/g, '+')}`],
    ['its JSON escaping', JSON.stringify({ a: `"${SECRET}"` })],
  ])('masks %s', (_what, text) => {
    const masked = set.maskText(text);
    expect(masked).toContain('***');
    expect(masked).not.toContain(SECRET);
    expect(masked).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    expect(masked).not.toContain(encodeURIComponent(SECRET));
  });

  it('masks strings, keys and numbers deep inside data, without touching the input', () => {
    const numbers = new SecretSet(['12345678', SECRET]);
    const input = {
      state: { out: { token: SECRET, list: [`x${SECRET}y`, 12345678, true, null] } },
      [SECRET]: 1,
    };
    const masked = numbers.mask(input);
    expect(JSON.stringify(masked)).not.toContain(SECRET);
    expect(JSON.stringify(masked)).not.toContain('12345678');
    expect(masked.state.out.list).toEqual(['x***y', '***', true, null]);
    expect(input.state.out.token).toBe(SECRET);
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const nested = new SecretSet(['abcd', 'abcdefgh']);
    expect(nested.maskText('xx abcdefgh yy abcd')).toBe('xx *** yy ***');
  });

  it('masks each line of a multi-line secret', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----';
    const lines = new SecretSet([key]);
    expect(lines.maskText('line: MIIEvQIBADANBgkq')).toBe('line: ***');
  });

  it('ignores values too short to be worth masking', () => {
    const short = new SecretSet(['abc', '']);
    expect(short.size).toBe(0);
    expect(short.maskText('abc abc')).toBe('abc abc');
  });

  it('strips credentials from URLs even with no secret registered', () => {
    expect(new SecretSet().maskText('clone https://u:p4ss@h/r.git')).toBe(
      'clone https://***@h/r.git',
    );
  });

  it('registers values added later', () => {
    const later = new SecretSet();
    expect(later.maskText('late-value')).toBe('late-value');
    later.add('late-value');
    expect(later.maskText('late-value')).toBe('***');
  });
});

describe('secretDataValues', () => {
  it('keeps every value but the repository address', () => {
    expect(
      secretDataValues({
        repoURL: 'https://git.example.com/a.git',
        repoURLIsRegex: 'false',
        username: 'deploy',
        password: 'tok',
      }).sort(),
    ).toEqual(['deploy', 'tok']);
  });
});
