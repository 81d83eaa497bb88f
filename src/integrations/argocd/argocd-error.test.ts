import { describe, expect, it } from 'vitest';
import { errorDetail, MAX_DETAIL_CHARS } from './argocd-error.js';

describe('errorDetail', () => {
  it.each<[string, string, number | undefined, string]>([
    [
      'Argo CD JSON: its message',
      '{"error":"e","code":5,"message":"app \\"x\\" not found"}',
      undefined,
      'app "x" not found',
    ],
    ['JSON without message: its error', '{"error":"boom","code":2}', undefined, 'boom'],
    [
      'plain text, whitespace collapsed',
      '<html>\n  <body>Bad   gateway</body>\n</html>',
      undefined,
      '<html> <body>Bad gateway</body> </html>',
    ],
    ['empty body', '', undefined, 'no details'],
    ['a body cut short', 'abc', 3, 'abc… (truncated; the response held more than 3 bytes)'],
  ])('%s', (_, body, truncatedAt, expected) => {
    expect(errorDetail(Buffer.from(body), truncatedAt)).toBe(expected);
  });

  it('cuts a long message and says how long it was', () => {
    const detail = errorDetail(Buffer.from(JSON.stringify({ message: 'y'.repeat(32 * 1024) })));
    expect(detail).toBe(
      `${'y'.repeat(MAX_DETAIL_CHARS)}… (truncated; the response held 32768 characters)`,
    );
  });

  it('redacts before cutting', () => {
    const secret = 'tok-123456';
    const body = `${'z'.repeat(MAX_DETAIL_CHARS - 4)}${secret}`;
    const detail = errorDetail(Buffer.from(body), undefined, (t) => t.split(secret).join('***'));
    expect(detail).toBe(`${'z'.repeat(MAX_DETAIL_CHARS - 4)}***`);
  });
});
