import { describe, expect, it } from 'vitest';
import { boundHead, boundTail } from './bounded-text.js';
import { createRedactor } from './redactor.js';

describe('boundHead and boundTail', () => {
  it.each([
    ['short', 10, 'short', 'short'],
    ['0123456789abcdef', 10, '0123456…', '…9abcdef'],
    ['ééééé', 7, 'éé…', '…éé'],
  ])('%j within %d bytes', (text, max, head, tail) => {
    expect(boundHead(text, max)).toBe(head);
    expect(boundTail(text, max)).toBe(tail);
    expect(Buffer.byteLength(boundHead(text, max))).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(boundTail(text, max))).toBeLessThanOrEqual(max);
  });
});

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
