import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { addWarningHeaders } from './warning-headers.js';

const answer = async (warnings: string[]) => {
  const app = new Hono();
  app.get('/', (c) => {
    addWarningHeaders(c, warnings);
    return c.json({});
  });
  const res = await app.request('/');
  return (res.headers.get('warning') ?? '').split(/, (?=299 )/).filter(Boolean);
};

describe('addWarningHeaders', () => {
  it('sends each warning as a 299 header, quotes escaped and non-ASCII replaced', async () => {
    expect(await answer(['stage "dev" needs Warehouse "wh"', 'naïve'])).toEqual([
      '299 - "stage \\"dev\\" needs Warehouse \\"wh\\""',
      '299 - "na?ve"',
    ]);
  });

  it('cuts a long warning and stops at 4 KB, saying how many were left out', async () => {
    const many = Array.from(
      { length: 1000 },
      (_, i) => `stage "s${i}" requests Freight from Warehouse "gone", which does not exist`,
    );
    const headers = await answer(many);
    expect(headers.join(', ').length).toBeLessThan(4096 + 200);
    const shown = headers.length - 1;
    expect(headers[0]).toBe(`299 - "${many[0]!.replaceAll('"', '\\"')}"`);
    expect(headers.at(-1)).toBe(`299 - "${1000 - shown} more warnings not shown"`);
    const [long] = await answer(['x'.repeat(1000)]);
    expect(long).toBe(`299 - "${'x'.repeat(253)}..."`);
  });
});
