import { describe, expect, it } from 'vitest';
import {
  boundHead,
  boundMiddle,
  boundStatusMessages,
  boundTail,
  cutMarker,
  TEXT_LIMITS,
} from './bounded-text.js';

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

describe('boundMiddle', () => {
  it.each([
    ['short', 100, 'short'],
    ['a'.repeat(50) + 'b'.repeat(50), 60, `${'a'.repeat(19)}… [63 bytes cut] …${'b'.repeat(18)}`],
    // Multi-byte characters are never split: the cut moves to a character boundary.
    ['é'.repeat(100), 60, `${'é'.repeat(9)}… [164 bytes cut] …${'é'.repeat(9)}`],
    // Too little room for the marker: the head alone.
    ['0123456789abcdef', 10, '0123456…'],
  ])('%j within %d bytes', (text, max, expected) => {
    const bounded = boundMiddle(text, max);
    expect(bounded).toBe(expected);
    expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(max);
  });

  it('keeps the head and tail of a 1 MB message and says how much it cut', () => {
    const text = `START ${'x'.repeat(1024 * 1024)} END`;
    const bounded = boundMiddle(text, TEXT_LIMITS.maxMessageBytes);
    expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(TEXT_LIMITS.maxMessageBytes);
    expect(bounded.startsWith('START xxx')).toBe(true);
    expect(bounded.endsWith('xxx END')).toBe(true);
    const cut = /… \[([\d,]+) bytes cut\] …/.exec(bounded)?.[1];
    expect(Number(cut?.replaceAll(',', ''))).toBe(
      Buffer.byteLength(text) -
        Buffer.byteLength(bounded) +
        Buffer.byteLength(cutMarker(Number(cut?.replaceAll(',', '')))),
    );
  });
});

describe('boundStatusMessages', () => {
  const big = 'y'.repeat(100_000);

  it('bounds messages at any depth and leaves step outputs alone', () => {
    const status = {
      message: big,
      conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: big }],
      stepExecutionMetadata: [{ alias: 'a', message: big, status: 'Errored' }],
      health: { status: 'Unhealthy', issues: ['short'], message: big },
      state: { a: { message: big } },
    };
    const bounded = boundStatusMessages(status);
    const max = TEXT_LIMITS.maxMessageBytes;
    expect(Buffer.byteLength(bounded.message)).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(bounded.conditions[0]!.message)).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(bounded.stepExecutionMetadata[0]!.message)).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(bounded.health.message)).toBeLessThanOrEqual(max);
    expect(bounded.conditions[0]!.reason).toBe('Failed');
    expect(bounded.health.issues).toEqual(['short']);
    expect(bounded.state.a.message).toBe(big);
    // The caller's object is not changed.
    expect(status.message).toBe(big);
  });

  it('returns the same object when nothing needs cutting', () => {
    const status = { message: 'fine', conditions: [{ message: 'also fine' }], state: {} };
    expect(boundStatusMessages(status)).toBe(status);
    expect(boundStatusMessages(undefined)).toBeUndefined();
  });
});
