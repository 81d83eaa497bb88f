import { describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import { compileGlob, globProblem } from './glob.js';

// The translation itself is tested with path selectors (sources/git/path-selector.test.ts)
// and Stage selectors (stage-selector.test.ts); these are the RE2-specific cases.
describe('compileGlob', () => {
  it.each<[name: string, glob: string, path: string, expected: boolean]>([
    ['an escaped letter in a class is the letter', '[\\d]x', 'dx', true],
    ['an escaped letter in a class is not a class', '[\\d]x', '1x', false],
    ['an escaped bracket in a class', '[\\]]x', ']x', true],
    ['a non-ASCII escape in a class', '[\\é]', 'é', true],
    ['an escaped non-ASCII letter', 'caf\\é', 'café', true],
    // Each star is a loop; a backtracking engine pays the path length to the power of stars.
    ['many stars on a long name', '*a*a*a*a*a*a*a*a*b', 'a'.repeat(50_000), false],
    ['many stars, a match', '*a*a*a*a*a*a*a*a*b', 'a'.repeat(50_000) + 'b', true],
    ['many ** on a deep path', '**/**/**/**/**/x', 'a/'.repeat(25_000) + 'y', false],
    ['many ** on a deep path, a match', '**/**/**/**/**/x', 'a/'.repeat(25_000) + 'x', true],
  ])('%s', (_name, glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
  });

  it('names the glob it cannot compile', () => {
    const problem = 'invalid glob "[z-a].yaml": invalid character class range: `z-a`';
    expect(globProblem('[z-a].yaml')).toBe(problem);
    expect(globProblem('{a,b}/*.yaml')).toBeUndefined();
    let error: unknown;
    try {
      compileGlob('[z-a].yaml');
    } catch (err) {
      error = err;
    }
    expect(isGantryError(error, 'Invalid')).toBe(true);
    expect((error as Error).message).toBe(problem);
  });
});
