import type { FileStepCase } from './file-step-case.js';

const convert = (name: string) => `file_deleter_test.go Test_fileDeleter_convert ${name}`;
const run = (name: string) => `file_deleter_test.go Test_fileDeleter_run ${name}`;
/** Kargo answers Errored (retried) for a path that leaves the working directory; Gantry fails for good. */
const escapeDiffers =
  'a path out of the working directory is a terminal error (Kargo: Errored, retried)';

/** Kargo's delete tables (pkg/promotion/runner/builtin/file_deleter_test.go), as data. */
export const deleteCases: FileStepCase[] = [
  {
    upstream: convert('path and paths not specified'),
    validateOnly: true,
    config: {},
    error: 'path',
  },
  {
    upstream: convert('path is empty string'),
    validateOnly: true,
    config: { path: '' },
    error: 'path',
  },
  {
    upstream: convert('strict is not specified'),
    validateOnly: true,
    config: { path: '/path/to/delete' },
  },
  {
    upstream: convert('valid minimal config'),
    validateOnly: true,
    config: { path: '/path/to/delete' },
  },
  {
    upstream: convert('valid config with strict=false'),
    validateOnly: true,
    config: { path: '/path/to/delete', strict: false },
  },
  {
    upstream: convert('valid config with strict=true'),
    validateOnly: true,
    config: { path: '/path/to/delete', strict: true },
  },
  {
    upstream: convert('valid kitchen sink'),
    validateOnly: true,
    config: { path: '/path/to/file/or/directory/to/delete', strict: true },
  },
  {
    upstream: convert('paths with multiple entries'),
    validateOnly: true,
    config: { paths: ['/path/to/a', '/path/to/b', '/path/to/c'] },
  },
  {
    upstream: convert('paths present but empty array'),
    validateOnly: true,
    config: { paths: [] },
    error: 'paths',
  },
  {
    upstream: convert('paths containing an empty string'),
    validateOnly: true,
    config: { paths: [''] },
    error: 'paths',
  },
  {
    upstream: convert('pathsAreGlobs true with path'),
    validateOnly: true,
    config: { path: '*.txt', pathsAreGlobs: true },
  },
  {
    upstream: convert('pathsAreGlobs true with paths'),
    validateOnly: true,
    config: { paths: ['*.txt', '**/*.tmp'], pathsAreGlobs: true },
  },
  {
    upstream: convert('pathsAreGlobs with wrong type'),
    validateOnly: true,
    config: { path: '/path/to/delete', pathsAreGlobs: 'true' },
    error: 'pathsAreGlobs',
  },
  {
    upstream: convert('unknown additional property'),
    validateOnly: true,
    config: { path: '/path/to/delete', bogus: 'value' },
    error: 'bogus',
  },
  {
    upstream: convert('valid glob kitchen sink'),
    validateOnly: true,
    config: { paths: ['**/*.log', 'build/'], pathsAreGlobs: true, strict: true },
  },
  // The schema's oneOf: path and paths together validate both branches, so neither.
  {
    upstream: 'schemas/delete-config.json path and paths together',
    validateOnly: true,
    config: { path: 'a', paths: ['b'] },
    error: 'exactly one of path or paths',
  },

  {
    upstream: run('succeeds deleting file'),
    files: { 'input.txt': 'test content' },
    config: { path: 'input.txt' },
    expectFiles: { 'input.txt': null },
  },
  {
    upstream: run('succeeds deleting directory'),
    dirs: ['dirToDelete'],
    config: { path: 'dirToDelete' },
    expectDirs: { dirToDelete: false },
  },
  {
    upstream: run('fails for non-existent path when strict is true'),
    config: { path: 'nonExistentFile.txt', strict: true },
    error: 'does not exist',
    terminal: false,
  },
  {
    upstream: run('succeeds for non-existent path when strict is false'),
    config: { path: 'nonExistentFile.txt', strict: false },
  },
  {
    upstream: run('removes symlink only'),
    files: { 'input/input.txt': 'test content' },
    links: { 'input/symlink.txt': 'input.txt' },
    config: { path: 'input/symlink.txt' },
    expectFiles: { 'input/input.txt': 'test content', 'input/symlink.txt': null },
  },
  {
    upstream: run('removes a file within a symlink'),
    files: { 'bar/file.txt': 'test content' },
    links: { foo: 'bar' },
    config: { path: 'foo/' },
    expectFiles: { foo: null, 'bar/file.txt': 'test content' },
  },
  {
    upstream: run('literal paths deletes multiple entries'),
    files: { 'a.txt': 'a', 'b.txt': 'b', 'c.md': 'c' },
    config: { paths: ['a.txt', 'b.txt'] },
    expectFiles: { 'a.txt': null, 'b.txt': null, 'c.md': 'c' },
  },
  {
    upstream: run('literal paths with a parent directory and a child both listed'),
    files: { 'dir/file.txt': 'x' },
    config: { paths: ['dir', 'dir/file.txt'], strict: true },
    expectDirs: { dir: false },
  },
  {
    upstream: run('literal paths with one missing entry succeeds when strict is false'),
    files: { 'a.txt': 'a' },
    config: { paths: ['a.txt', 'missing.txt'], strict: false },
    expectFiles: { 'a.txt': null },
  },
  {
    upstream: run('literal paths with one missing entry errors when strict is true'),
    files: { 'a.txt': 'a' },
    config: { paths: ['a.txt', 'missing.txt'], strict: true },
    error: 'does not exist',
    terminal: false,
    expectFiles: { 'a.txt': 'a' },
  },
  {
    upstream: run('literal path with glob metacharacters is treated literally'),
    files: { 'a[1].txt': 'lit', 'a2.txt': 'glob' },
    config: { path: 'a[1].txt' },
    expectFiles: { 'a[1].txt': null, 'a2.txt': 'glob' },
  },
  {
    upstream: run('glob matches multiple files and retains non-matching'),
    files: { 'a.txt': 'a', 'b.txt': 'b', 'c.md': 'c' },
    config: { path: '*.txt', pathsAreGlobs: true },
    expectFiles: { 'a.txt': null, 'b.txt': null, 'c.md': 'c' },
  },
  {
    upstream: run('glob with recursive ** matches nested files'),
    files: { 'a.tmp': 'a', 'sub/b.tmp': 'b', 'sub/deep/c.tmp': 'c', 'sub/deep/keep.md': 'k' },
    config: { path: '**/*.tmp', pathsAreGlobs: true },
    expectFiles: {
      'a.tmp': null,
      'sub/b.tmp': null,
      'sub/deep/c.tmp': null,
      'sub/deep/keep.md': 'k',
    },
  },
  {
    upstream: run('glob patterns with a leading ./ are matched relative to workDir'),
    files: { 'out/a.tmp': 'a', 'out/build/b.tmp': 'b', 'out/keep.md': 'k' },
    config: { paths: ['./out/**/*.tmp', './out/build/'], pathsAreGlobs: true, strict: true },
    expectFiles: { 'out/a.tmp': null, 'out/keep.md': 'k' },
    expectDirs: { 'out/build': false },
  },
  {
    upstream: run('glob matching a directory deletes the whole directory'),
    files: { 'build/out/artifact': 'x' },
    config: { path: 'buil*', pathsAreGlobs: true },
    expectDirs: { build: false },
  },
  {
    upstream: run('glob deletes a matched symlink as a link'),
    files: { 'target.txt': 'test content' },
    links: { 'link.txt': 'target.txt' },
    config: { path: 'link.*', pathsAreGlobs: true },
    expectFiles: { 'link.txt': null, 'target.txt': 'test content' },
  },
  {
    upstream: run('glob paths with multiple patterns deletes the union'),
    files: { 'a.log': 'a', 'b.tmp': 'b', 'c.md': 'c' },
    config: { paths: ['*.log', '*.tmp'], pathsAreGlobs: true },
    expectFiles: { 'a.log': null, 'b.tmp': null, 'c.md': 'c' },
  },
  {
    upstream: run('glob matches nothing and succeeds when strict is false'),
    files: { 'a.md': 'a' },
    config: { path: '*.txt', pathsAreGlobs: true, strict: false },
    expectFiles: { 'a.md': 'a' },
  },
  {
    upstream: run('glob matches nothing and errors when strict is true'),
    config: { path: '*.txt', pathsAreGlobs: true, strict: true },
    error: 'no paths matched pattern "*.txt"',
    terminal: false,
  },
  {
    upstream: run(
      'glob paths mixed match and no-match errors on the empty one when strict is true',
    ),
    files: { 'a.log': 'a' },
    config: { paths: ['*.log', '*.txt'], pathsAreGlobs: true, strict: true },
    error: 'no paths matched pattern',
    terminal: false,
    expectFiles: { 'a.log': 'a' },
  },
  {
    upstream: run('invalid glob pattern is a terminal error'),
    config: { path: '[', pathsAreGlobs: true },
    error: 'invalid glob pattern',
    terminal: true,
  },
  {
    upstream: run('literal path with a missing parent directory succeeds when strict is false'),
    config: { path: 'no_such_dir/child.txt', strict: false },
  },
  {
    upstream: run('literal path with a missing parent directory errors when strict is true'),
    config: { path: 'no_such_dir/child.txt', strict: true },
    error: 'does not exist',
    terminal: false,
  },
  {
    upstream: run('literal path attempting to traverse outside workDir errors'),
    differs: escapeDiffers,
    outside: { 'escape-target': 'x' },
    config: { path: '../escape-target' },
    error: 'leaves the promotion',
    terminal: true,
    expectOutside: { 'escape-target': 'x' },
  },
  {
    upstream: run('literal path does not delete external files through a symlink'),
    differs: escapeDiffers,
    outside: { 'kargo-ext-literal/secret.txt': 'x' },
    links: { link: 'outside:kargo-ext-literal' },
    config: { path: 'link/secret.txt' },
    error: 'outside',
    terminal: true,
    expectOutside: { 'kargo-ext-literal/secret.txt': 'x' },
    expectDirs: { link: true },
  },
  {
    upstream: run('glob pattern with .. matches nothing'),
    outside: { 'escape-target': 'x' },
    config: { path: '../*', pathsAreGlobs: true, strict: true },
    error: 'no paths matched pattern',
    terminal: false,
    expectOutside: { 'escape-target': 'x' },
  },
  {
    upstream: run('glob does not delete external files through a symlink'),
    differs: escapeDiffers,
    outside: { 'kargo-ext-target/secret.txt': 'x' },
    links: { link: 'outside:kargo-ext-target' },
    config: { path: 'link/*', pathsAreGlobs: true },
    error: 'outside',
    terminal: true,
    expectOutside: { 'kargo-ext-target/secret.txt': 'x' },
    expectDirs: { link: true },
  },
];
