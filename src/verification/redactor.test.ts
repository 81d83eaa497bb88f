import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';

describe('createRedactor', () => {
  it.each([
    [['s3cret'], 'token=s3cret; again s3cret', 'token=***; again ***'],
    [['abcd', 'abcdef'], 'abcdef and abcd', '*** and ***'],
    [['s3cret'], `basic ${Buffer.from('s3cret').toString('base64')}`, 'basic ***'],
    [['abc'], 'too short to mask: abc', 'too short to mask: abc'],
    [['pa"ss\\'], 'raw pa"ss\\ and JSON "pa\\"ss\\\\"', 'raw *** and JSON "***"'],
    [[''], 'nothing to hide', 'nothing to hide'],
    [[], 'nothing to hide', 'nothing to hide'],
  ])('%j redacts %j', (secrets, text, expected) => {
    expect(createRedactor(secrets)(text)).toBe(expected);
  });
});
