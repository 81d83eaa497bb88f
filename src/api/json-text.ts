import { INPUT_LIMITS } from './input-limits.js';

export type JsonTextParse = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * `JSON.parse` for untrusted text, with nesting bounded: the text is scanned first, so a
 * megabyte of `[` is refused after a hundred characters instead of becoming a structure that
 * later recursion (validation, serialisation) would overflow the stack on. Never throws.
 */
export function parseJsonText(
  text: string,
  maxDepth: number = INPUT_LIMITS.maxNestingDepth,
): JsonTextParse {
  const tooDeep = jsonNestingExceeds(text, maxDepth);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      message: `objects and lists are nested more than ${maxDepth} levels deep (at character ${tooDeep + 1}); ${maxDepth} is the limit`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: firstLine((err as Error).message) };
  }
}

/**
 * The offset of the first `[` or `{` that opens level `maxDepth + 1`, or undefined. Exact for
 * valid JSON (brackets inside strings do not count); for invalid JSON it may be anything,
 * which is fine: JSON.parse refuses that text anyway, without recursing.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c /* \ */) i++;
      else if (ch === 0x22 /* " */) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x5b /* [ */ || ch === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}
