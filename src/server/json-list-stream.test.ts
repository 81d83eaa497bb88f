import { describe, expect, it } from 'vitest';
import { asIs, jsonListStream } from './json-list-stream.js';

async function text(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let out = '';
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: out + decoder.decode(), chunks };
    chunks++;
    out += decoder.decode(value, { stream: true });
  }
}

describe('jsonListStream', () => {
  it.each([
    ['no elements', [] as string[], '{"items":[]}'],
    ['one', ['{"a":1}'], '{"items":[{"a":1}]}'],
    ['several', ['1', '"two"', '{"three":3}'], '{"items":[1,"two",{"three":3}]}'],
  ])('writes %s as one JSON document', async (_, elements, expected) => {
    const { text: body } = await text(jsonListStream('{"items":[', elements, asIs, ']}'));
    expect(body).toBe(expected);
  });

  it('renders a long list in chunks as it is read, with other work in between', async () => {
    const elements = Array.from({ length: 20_000 }, (_, i) => ({
      name: `s${i}`,
      note: 'é'.repeat(50),
    }));
    let rendered = 0;
    const stream = jsonListStream(
      '{"rows":[',
      elements,
      (element) => {
        rendered++;
        return JSON.stringify(element);
      },
      '],"metadata":{}}',
    );
    // Nothing is rendered before it is asked for.
    expect(rendered).toBe(0);
    const reader = stream.getReader();
    await reader.read();
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(elements.length);
    reader.releaseLock();
    const { text: rest, chunks } = await text(stream);
    expect(chunks).toBeGreaterThan(3);
    expect(rendered).toBe(elements.length);
    // The first chunk was read above: the rest ends the document.
    expect(rest.endsWith('],"metadata":{}}')).toBe(true);
  });

  it('gives the event loop a turn while rendering takes long', async () => {
    const elements = Array.from({ length: 2_000 }, (_, i) => i);
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    try {
      const { text: body } = await text(
        jsonListStream(
          '[',
          elements,
          (n) => {
            // 2,000 × 0.05 ms = 100 ms of synchronous work in all.
            spin(0.05);
            return String(n);
          },
          ']',
        ),
      );
      expect(JSON.parse(body)).toHaveLength(2_000);
    } finally {
      clearInterval(ticking);
    }
    expect(turns).toBeGreaterThan(0);
  });
});
