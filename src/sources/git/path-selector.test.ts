import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../api/glob.js';
import { PathSelector } from './path-selector.js';

describe('compileGlob', () => {
  const cases: Array<[glob: string, matches: string[], misses: string[]]> = [
    ['*.yaml', ['a.yaml', '.yaml'], ['dir/a.yaml', 'a.yml']],
    ['apps/*/values.yaml', ['apps/x/values.yaml'], ['apps/x/y/values.yaml', 'apps/values.yaml']],
    ['apps/**', ['apps', 'apps/x', 'apps/x/y.txt'], ['appsx', 'x/apps/y']],
    ['**/*.md', ['README.md', 'docs/a/b.md'], ['README.mdx']],
    ['apps/**/values.yaml', ['apps/values.yaml', 'apps/a/b/values.yaml'], ['apps/a/xvalues.yaml']],
    ['**', ['a', 'a/b/c'], []],
    ['?.txt', ['a.txt'], ['ab.txt', '/.txt']],
    ['[ab].txt', ['a.txt', 'b.txt'], ['c.txt']],
    ['[!ab].txt', ['c.txt'], ['a.txt', '/.txt']],
    ['[a-c]x', ['bx'], ['dx']],
    ['{apps,charts}/**', ['apps/a', 'charts/b/c'], ['other/a']],
    ['src/{*.ts,lib/**}', ['src/a.ts', 'src/lib/x/y.js'], ['src/x/a.ts']],
    ['a\\*b', ['a*b'], ['axb']],
    ['dir**x', ['dirx', 'dirabx'], ['dir/x']],
    ['[a', ['[a'], ['a']],
    ['{a,b', ['{a,b'], ['a']],
    ['file.(1)+', ['file.(1)+'], ['file.1']],
  ];
  it.each(cases)('%s', (glob, matches, misses) => {
    const regex = compileGlob(glob);
    for (const path of matches) expect(regex.test(path), `${glob} should match ${path}`).toBe(true);
    for (const path of misses) expect(regex.test(path), `${glob} should miss ${path}`).toBe(false);
  });
});

describe('PathSelector', () => {
  const cases: Array<{
    name: string;
    include?: string[];
    exclude?: string[];
    paths: string[];
    selected: boolean;
  }> = [
    { name: 'no selectors select everything', paths: ['a'], selected: true },
    { name: 'no selectors select an empty commit', paths: [], selected: true },
    {
      name: 'an empty commit never matches a selector',
      include: ['.'],
      paths: [],
      selected: false,
    },
    { name: 'plain directory', include: ['apps'], paths: ['apps/x/y.yaml'], selected: true },
    { name: 'plain file', include: ['apps/x.yaml'], paths: ['apps/x.yaml'], selected: true },
    { name: 'plain is per segment', include: ['apps'], paths: ['apps2/x'], selected: false },
    { name: 'plain with ./ and /', include: ['./apps/'], paths: ['apps/a'], selected: true },
    { name: 'plain with a leading /', include: ['/apps'], paths: ['apps/a'], selected: true },
    { name: 'plain . is everything', include: ['.'], paths: ['x/y'], selected: true },
    {
      name: 'one matching path is enough',
      include: ['apps'],
      paths: ['x', 'apps/a'],
      selected: true,
    },
    { name: 'glob', include: ['glob:**/*.yaml'], paths: ['a/b.yaml'], selected: true },
    { name: 'glob miss', include: ['glob:*.yaml'], paths: ['a/b.yaml'], selected: false },
    {
      name: 'regex is unanchored',
      include: ['regex:values'],
      paths: ['a/values.yaml'],
      selected: true,
    },
    { name: 'regexp prefix', include: ['regexp:^a/.*\\.md$'], paths: ['a/b/c.md'], selected: true },
    { name: 'excluded only', exclude: ['docs'], paths: ['docs/a.md'], selected: false },
    { name: 'excluded and another', exclude: ['docs'], paths: ['docs/a.md', 'b'], selected: true },
    {
      name: 'included but excluded',
      include: ['apps'],
      exclude: ['glob:**/*.md'],
      paths: ['apps/README.md'],
      selected: false,
    },
    {
      name: 'included, one not excluded',
      include: ['apps'],
      exclude: ['glob:**/*.md'],
      paths: ['apps/README.md', 'apps/values.yaml'],
      selected: true,
    },
    {
      name: 'not excluded but not included',
      include: ['apps'],
      exclude: ['docs'],
      paths: ['src/a.ts'],
      selected: false,
    },
    {
      name: 'RE2 syntax: (?i)',
      include: ['regex:(?i)^APPS/.*\\.YAML$'],
      paths: ['apps/values.yaml'],
      selected: true,
    },
    {
      name: 'RE2 syntax: \\z',
      include: ['regexp:\\.md\\z'],
      paths: ['docs/a.md'],
      selected: true,
    },
    // Catastrophic for a backtracking engine; under RE2 they simply finish.
    {
      name: 'a nested repetition against a long path',
      include: ['regex:^(a+)+$'],
      paths: ['a'.repeat(50_000) + 'b'],
      selected: false,
    },
    {
      name: 'a nested repetition excluding a long path',
      exclude: ['regex:^(a+)+$'],
      paths: ['a'.repeat(50_000)],
      selected: false,
    },
    {
      name: 'a glob with many stars against a long path',
      include: ['glob:*a*a*a*a*a*a*a*a*c'],
      paths: ['a'.repeat(50_000) + 'b'],
      selected: false,
    },
  ];
  it.each(cases)('$name', ({ include, exclude, paths, selected }) => {
    expect(new PathSelector(include, exclude).selects(paths)).toBe(selected);
  });

  it('knows when it selects everything', () => {
    expect(new PathSelector().selectsAll).toBe(true);
    expect(new PathSelector([], ['x']).selectsAll).toBe(false);
  });

  it.each([
    [
      ['ok'],
      ['x', 'regex:(unclosed'],
      'excludePaths[1]: invalid regular expression "(unclosed": missing closing ): `(unclosed`',
    ],
    [
      ['regexp:^(a)\\1'],
      [],
      'includePaths[0]: invalid regular expression "^(a)\\1": invalid escape sequence: `\\1` (RE2 syntax is required, as in Kargo (Go regexp): no backreferences such as \\1)',
    ],
    [
      ['glob:[z-a]'],
      [],
      'includePaths[0]: invalid glob "[z-a]": invalid character class range: `z-a`',
    ],
  ])('names the entry that does not compile: %j %j', (include, exclude, message) => {
    expect(() => new PathSelector(include, exclude)).toThrow(message);
  });
});
