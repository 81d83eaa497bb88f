import { describe, expect, it } from 'vitest';
import { jsonNestingExceeds, parseJsonText } from './json-text.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parseJsonText', () => {
  it('parses JSON nested up to the limit', () => {
    const parsed = parseJsonText(nested(100));
    expect(parsed.ok).toBe(true);
    expect(parseJsonText('{"a": {"b": [1, "x"]}}')).toEqual({
      ok: true,
      value: { a: { b: [1, 'x'] } },
    });
  });

  it.each([
    ['lists', nested(101), 101],
    ['objects', `${'{"a":'.repeat(101)}1${'}'.repeat(101)}`, 501],
    ['unclosed brackets', '['.repeat(4 * 1024 * 1024), 101],
  ])('refuses %s nested beyond the limit, naming it and where', (_, text, at) => {
    expect(parseJsonText(text)).toEqual({
      ok: false,
      message: `objects and lists are nested more than 100 levels deep (at character ${at}); 100 is the limit`,
    });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[\\"{{{{', b: ['"]]]"'] });
    expect(jsonNestingExceeds(text, 2)).toBeUndefined();
    expect(jsonNestingExceeds(text, 1)).toBe(text.indexOf(':[') + 1);
  });

  it('reports malformed JSON in one line', () => {
    const parsed = parseJsonText('{"a": \n nope}');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).not.toContain('\n');
  });

  it('keeps __proto__ as a plain key', () => {
    const parsed = parseJsonText('{"__proto__": {"polluted": true}}');
    expect(parsed.ok && Object.keys(parsed.value as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
