/**
 * User regular expressions run under RE2 (docs/security.md, src/api/user-regex.ts): the
 * patterns that made JavaScript's backtracking RegExp freeze the event loop, against a
 * 50,000-character input, through each path a user reaches them by (compiling included).
 * Target: < 50 ms each (medians of 7; the one-time warm-up of a fresh process is reported apart).
 * Also, for scale: the typical case (10,000 tags through two filters) and what a backtracking
 * RegExp takes on the same pattern with only 25 characters.
 */
import { matchesStageSelector } from '../src/api/stage-selector.js';
import { evaluate } from '../src/expr/evaluator.js';
import { standardFunctions } from '../src/expr/functions/index.js';
import { parse } from '../src/expr/parser.js';
import { PathSelector } from '../src/sources/git/path-selector.js';
import { filterTags } from '../src/sources/oci/tag-order.js';
import { figures, median } from './figures.js';

const { report, print } = figures({ figure: 62, value: 10 });
const LONG = 'a'.repeat(50_000) + 'b';
const TARGET_MS = 50;

/** Median wall time of `runs` calls; `check` must hold for each result (a wrong answer fails). */
function measure<T>(run: () => T, check: (result: T) => boolean, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = run();
    times.push(performance.now() - started);
    if (!check(result)) throw new Error(`wrong answer: ${String(result)}`);
  }
  return median(times);
}

const cases: Array<[figure: string, run: () => boolean]> = [
  [
    'allowTagsRegexes ^(a+)+$, a 50,000-character tag',
    () => filterTags([LONG], ['^(a+)+$'], []).length > 0,
  ],
  [
    'ignoreTagsRegexes (x+x+)+y, a 50,000-character tag',
    () => filterTags(['x'.repeat(50_000)], [], ['(x+x+)+y']).length === 0,
  ],
  [
    'includePaths regex:^(a+)+$, a 50,000-character path',
    () => new PathSelector(['regex:^(a+)+$']).selects([LONG]),
  ],
  [
    'includePaths glob:*a*a*a*a*a*a*a*a*c, a 50,000-character path',
    () => new PathSelector(['glob:*a*a*a*a*a*a*a*a*c']).selects([LONG]),
  ],
  [
    'stageSelector regex:^(a|a?)+$, a 50,000-character name',
    () => matchesStageSelector({ name: 'regex:^(a|a?)+$' }, { name: LONG }),
  ],
  [
    'expression: text matches "^(a+)+$", 50,000 characters',
    () =>
      evaluate(parse('text matches "^(a+)+$"'), {
        variables: { text: LONG },
        functions: standardFunctions,
      }) === true,
  ],
];
// The first match in a process also pays for loading RE2's tables and warming the JIT.
const firstStarted = performance.now();
if (cases[0]![1]()) throw new Error('wrong answer');
const first = performance.now() - firstStarted;
for (const [figure, run] of cases) {
  const ms = measure(run, (matched) => !matched);
  report(figure, `${ms.toFixed(1)} ms`, `< ${TARGET_MS} ms`, ms < TARGET_MS);
}
report(
  '  the first of these in a fresh process (one-time warm-up)',
  `${first.toFixed(1)} ms`,
  '',
  true,
);

const tags = Array.from(
  { length: 10_000 },
  (_, i) => `1.${Math.floor(i / 100)}.${i % 100}${i % 7 === 0 ? '-rc.1' : ''}`,
);
const typical = measure(
  () => filterTags(tags, ['^1\\.\\d+\\.\\d+'], ['-rc']),
  (kept) => kept.length === 10_000 - Math.ceil(10_000 / 7),
);
report(
  '10,000 tags through allow ^1\\.\\d+\\.\\d+ and ignore -rc',
  `${typical.toFixed(1)} ms`,
  '',
  true,
);

// For scale only: JavaScript's backtracking RegExp doubles its work with each character.
const backtracking = measure(
  () => /^(a+)+$/.test('a'.repeat(25) + 'b'),
  (matched) => !matched,
  1,
);
report(
  'for scale: JavaScript RegExp ^(a+)+$, only 25 characters',
  `${backtracking.toFixed(0)} ms`,
  '',
  true,
);

print('user regular expressions (RE2):');
