import type { FileStepCase } from './file-step-case.js';

const convert = (name: string) => `file_copier_test.go Test_filerCopier_convert ${name}`;
const run = (name: string) => `file_copier_test.go Test_fileCopier_run ${name}`;
const ignoreRules = (name: string) => `file_copier_test.go Test_fileCopier_loadIgnoreRules ${name}`;
const internal =
  'tests loadIgnoreRules, an internal function, on absolute paths; its behaviour is covered through the step by the ignore cases below';

/** Kargo's copy tables (pkg/promotion/runner/builtin/file_copier_test.go), as data. */
export const copyCases: FileStepCase[] = [
  { upstream: convert('inPath not specified'), validateOnly: true, config: {}, error: 'inPath' },
  {
    upstream: convert('inPath is empty string'),
    validateOnly: true,
    config: { inPath: '' },
    error: 'inPath',
  },
  {
    upstream: convert('outPath not specified'),
    validateOnly: true,
    config: { inPath: '/source/path' },
    error: 'outPath',
  },
  {
    upstream: convert('outPath is empty string'),
    validateOnly: true,
    config: { inPath: '/source/path', outPath: '' },
    error: 'outPath',
  },
  {
    upstream: convert('ignore is empty string'),
    validateOnly: true,
    config: { inPath: '/source/path', outPath: '/destination/path', ignore: '' },
    error: 'ignore',
  },
  {
    upstream: convert('both required fields missing'),
    validateOnly: true,
    config: { ignore: '*.log\n*.tmp' },
    error: 'outPath',
  },
  {
    upstream: convert('valid minimal config'),
    validateOnly: true,
    config: { inPath: '/source/path', outPath: '/destination/path' },
  },
  {
    upstream: convert('valid config with ignore patterns'),
    validateOnly: true,
    config: {
      inPath: '/source/path',
      outPath: '/destination/path',
      ignore: '*.log\n*.tmp\nnode_modules/\n.git/',
    },
  },
  {
    upstream: convert('valid kitchen sink'),
    validateOnly: true,
    config: {
      inPath: '/path/to/source/directory',
      outPath: '/path/to/destination/directory',
      ignore:
        '# Ignore log files\n*.log\n*.tmp\n\n# Ignore build artifacts\nbuild/\ndist/\n\n# Ignore version control\n.git/\n.svn/',
    },
  },

  {
    upstream: run('succeeds copying file'),
    files: { 'input.txt': 'test content' },
    config: { inPath: 'input.txt', outPath: 'output.txt' },
    expectFiles: { 'output.txt': 'test content' },
  },
  {
    upstream: run('succeeds copying directory'),
    files: { 'input/input.txt': 'test content', 'input/nested/nested.txt': 'nested content' },
    config: { inPath: 'input/', outPath: 'output/' },
    expectFiles: {
      'output/input.txt': 'test content',
      'output/nested/nested.txt': 'nested content',
    },
  },
  {
    upstream: run('ignores symlink'),
    files: { 'input/input.txt': 'test content' },
    links: { 'input/symlink.txt': 'input.txt' },
    config: { inPath: 'input/', outPath: 'output/' },
    expectFiles: { 'output/input.txt': 'test content', 'output/symlink.txt': null },
  },
  {
    upstream: run('default ignore rule ignores .git directory'),
    files: { 'input/.git/file.txt': 'ignored content', 'input/input.txt': 'test content' },
    config: { inPath: 'input/', outPath: 'output/' },
    expectFiles: { 'output/input.txt': 'test content', 'output/.git/file.txt': null },
    expectDirs: { 'output/.git': false },
  },
  {
    upstream: run('default ignore rule ignores .git file'),
    files: { 'input/.git': 'ignored content', 'input/input.txt': 'test content' },
    config: { inPath: 'input/', outPath: 'output/' },
    expectFiles: { 'output/input.txt': 'test content', 'output/.git': null },
  },
  {
    // Kargo copies the .git directory back in; Gantry never writes into a .git directory.
    upstream: run('overwrite default ignore rules'),
    differs: 'copying into a .git directory is refused (steps never change git files)',
    files: { 'input/.git/file.txt': 'included content', 'input/input.txt': 'test content' },
    config: { inPath: 'input/', outPath: 'output/', ignore: '!.git/' },
    error: 'would write into a .git directory',
    terminal: true,
  },
  {
    upstream: run('fails with invalid input path'),
    config: { inPath: 'input.txt', outPath: 'output.txt' },
    error: 'failed to copy',
    terminal: false,
  },
  { upstream: ignoreRules('directory path'), config: {}, skip: internal },
  { upstream: ignoreRules('file path'), config: {}, skip: internal },
  { upstream: ignoreRules('non-existent path'), config: {}, skip: internal },
  { upstream: ignoreRules('empty rules'), config: {}, skip: internal },
  {
    upstream: ignoreRules('invalid path'),
    config: {},
    skip: 'a NUL byte in a Go path; Gantry refuses such a path before copying',
  },

  // The ignore rules of loadIgnoreRules "directory path" and "empty rules", through the step.
  {
    upstream: `${ignoreRules('directory path')} (through the step)`,
    files: {
      'input/file.txt': 't',
      'input/file.go': 'g',
      'input/file.log': 'l',
      'input/.git/file.log': 'x',
      'input/sub/deep.txt': 'd',
    },
    config: { inPath: 'input', outPath: 'output', ignore: '*.txt\n# comment\n*.go' },
    expectFiles: {
      'output/file.txt': null,
      'output/file.go': null,
      'output/file.log': 'l',
      'output/.git/file.log': null,
      'output/sub/deep.txt': null,
    },
    expectDirs: { 'output/sub': true },
  },
  {
    upstream: 'file_copier.go ignore: directory-only, anchored and ** patterns',
    files: {
      'input/build/a': 'a',
      'input/build.txt': 'b',
      'input/docs/build/x': 'x',
      'input/app/tmp/one.tmp': '1',
      'input/app/keep.md': 'k',
    },
    config: { inPath: 'input', outPath: 'output', ignore: '/build/\n**/tmp/*.tmp\n' },
    expectFiles: {
      'output/build/a': null,
      'output/build.txt': 'b',
      'output/docs/build/x': 'x',
      'output/app/tmp/one.tmp': null,
      'output/app/keep.md': 'k',
    },
  },
  {
    upstream: 'file_copier.go ignore rules never apply to inPath itself',
    files: { 'input/a.log': 'a' },
    config: { inPath: 'input/a.log', outPath: 'out.log', ignore: '*.log' },
    expectFiles: { 'out.log': 'a' },
  },
  {
    upstream: 'file_copier.go securejoin: a link to a directory inside is followed as inPath',
    files: { 'real/a.txt': 'a' },
    links: { alias: 'real' },
    config: { inPath: 'alias', outPath: 'out' },
    expectFiles: { 'out/a.txt': 'a' },
  },
  {
    upstream: 'file_copier.go a directory merges into an existing one',
    files: { 'input/a.txt': 'new', 'out/a.txt': 'old', 'out/keep.txt': 'k' },
    config: { inPath: 'input', outPath: 'out' },
    expectFiles: { 'out/a.txt': 'new', 'out/keep.txt': 'k' },
  },
];
