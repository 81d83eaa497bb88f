import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:s3cret@127.0.0.1:1/x.git', 'https://***@127.0.0.1:1/x.git'],
    ['https://ghp_abcdef123456@github.com/acme/app.git', 'https://***@github.com/acme/app.git'],
    ['postgres://gantry:pw@db:5432/gantry', 'postgres://***@db:5432/gantry'],
    ['ssh://git:pw@host/r.git', 'ssh://***@host/r.git'],
    [
      'https://charts.example.com/index.yaml?token=abc123',
      'https://charts.example.com/index.yaml?token=***',
    ],
    ['https://h/x?a=1&access_token=zz&b=2', 'https://h/x?a=1&access_token=***&b=2'],
    ['https://h/x?X-Amz-Signature=deadbeef#frag', 'https://h/x?X-Amz-Signature=***#frag'],
    ['https://h/x?PASSWORD=hunter22', 'https://h/x?PASSWORD=***'],
    [
      'git fetch https://u:p@a.example/r.git failed; retry https://b.example/r.git',
      'git fetch https://***@a.example/r.git failed; retry https://b.example/r.git',
    ],
    ['"repoURL":"https://u:p@h/r"', '"repoURL":"https://***@h/r"'],
  ])('%s → %s', (text, expected) => {
    expect(redactUrl(text)).toBe(expected);
    expect(hasUrlCredentials(text)).toBe(true);
  });

  it.each([
    'https://github.com/acme/app.git',
    'git@github.com:acme/app.git',
    'ssh://git@github.com/acme/app.git',
    '127.0.0.1:5000/team/api',
    'https://h/x?tokens=1&monkey=2',
    'plain text with an @ sign and key=value',
    '',
  ])('leaves %j alone', (text) => {
    expect(redactUrl(text)).toBe(text);
    expect(hasUrlCredentials(text)).toBe(false);
  });

  it('masks even a user name alone: it may be a token (https://TOKEN@github.com)', () => {
    expect(redactUrl('https://x-access-token@github.com/a')).toBe('https://***@github.com/a');
  });
});
