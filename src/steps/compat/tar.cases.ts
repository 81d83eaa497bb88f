import type { TarStepCase } from './tar-step-case.js';

const convert = (name: string) => `tar_creator_test.go Test_tarConfig_convert ${name}`;
const run = (name: string) => `tar_creator_test.go Test_tarCreator_run ${name}`;
const create = (name: string) => `tar_creator_test.go Test_tarCreator_createTarball ${name}`;
const input = (name: string) => `tar_creator_test.go Test_tarCreator_prepareInputPath ${name}`;
const output = (name: string) => `tar_creator_test.go Test_tarCreator_prepareOutputPath ${name}`;
const temp = (name: string) => `tar_creator_test.go Test_tarCreator_createTempFile ${name}`;
const ignore = (name: string) => `tar_creator_test.go Test_tarCreator_buildIgnoreMatcher ${name}`;
const MiB = 1024 * 1024;

/** Kargo's tar tables (pkg/promotion/runner/builtin/tar_creator_test.go), as data. */
export const tarCases: TarStepCase[] = [
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
    config: { inPath: 'source_dir/' },
    error: 'outPath',
  },
  {
    upstream: convert('outPath is empty string'),
    validateOnly: true,
    config: { inPath: 'source_dir/', outPath: '' },
    error: 'outPath',
  },
  {
    upstream: convert('ignore is empty string'),
    validateOnly: true,
    config: { inPath: 'source_dir/', outPath: 'archive.tar.gz', ignore: '' },
    error: 'ignore',
  },
  {
    upstream: convert('valid minimal config'),
    validateOnly: true,
    config: { inPath: 'source_dir/', outPath: 'archive.tar.gz' },
  },
  {
    upstream: convert('valid config with gzip set to false'),
    validateOnly: true,
    config: { inPath: 'source_dir/', outPath: 'archive.tar', gzip: false },
  },
  {
    upstream: convert('valid config with ignore patterns'),
    validateOnly: true,
    config: {
      inPath: 'source_dir/',
      outPath: 'archive.tar.gz',
      ignore: '*.log\n*.tmp\n__pycache__/',
    },
  },

  {
    upstream: run('succeeds with basic tar creation and atomic behavior'),
    files: { 'source/file.txt': 'test content' },
    config: { inPath: 'source', outPath: 'archive.tar', gzip: false },
    expectArchive: { path: 'archive.tar', entries: { 'file.txt': 'test content' } },
    expectNoTemp: ['.'],
  },
  {
    upstream: run('creates parent directories for nested output path'),
    files: { 'source/file.txt': 'test content' },
    config: { inPath: 'source', outPath: 'nested/archive.tar', gzip: false },
    expectArchive: { path: 'nested/archive.tar', entries: { 'file.txt': 'test content' } },
    expectNoTemp: ['nested'],
  },
  {
    upstream: run('atomically replaces existing destination'),
    files: { 'source/new_file.txt': 'new content', 'archive.tar': 'old archive content' },
    config: { inPath: 'source', outPath: 'archive.tar', gzip: false },
    expectArchive: { path: 'archive.tar', entries: { 'new_file.txt': 'new content' } },
  },
  {
    upstream: run('fails with invalid input path'),
    config: { inPath: 'nonexistent_source', outPath: 'archive.tar' },
    error: 'does not exist',
    terminal: false,
    expectFiles: { 'archive.tar': null },
  },
  {
    upstream: run('fails to create output directory when blocked by a file'),
    dirs: ['source'],
    files: { nested: 'blocking file' },
    config: { inPath: 'source', outPath: 'nested/archive.tar', gzip: false },
    error: 'failed to create output directory',
    terminal: false,
  },

  {
    upstream: create('succeeds creating simple uncompressed tar file'),
    files: { 'source/file1.txt': 'test content', 'source/testdir/file2.txt': 'nested content' },
    config: { inPath: 'source', outPath: 'archive.tar' },
    expectArchive: {
      path: 'archive.tar',
      entries: {
        'file1.txt': 'test content',
        'testdir/': '',
        'testdir/file2.txt': 'nested content',
      },
    },
  },
  {
    upstream: create('succeeds creating gzipped tar file'),
    files: { 'source/compressed.txt': 'compressed content' },
    config: { inPath: 'source', outPath: 'archive.tar.gz', gzip: true },
    expectArchive: { path: 'archive.tar.gz', entries: { 'compressed.txt': 'compressed content' } },
  },
  {
    upstream: create('handles ignore rules'),
    files: { 'source/include.txt': 'include me', 'source/ignore.txt': 'ignore me' },
    config: { inPath: 'source', outPath: 'archive.tar', ignore: 'ignore.txt' },
    expectArchive: { path: 'archive.tar', entries: { 'include.txt': 'include me' } },
  },
  {
    upstream: create('handles symbolic links'),
    files: { 'source/target.txt': 'target content' },
    links: { 'source/link.txt': 'target.txt' },
    config: { inPath: 'source', outPath: 'archive.tar' },
    expectArchive: {
      path: 'archive.tar',
      entries: { 'target.txt': 'target content', 'link.txt': 'target.txt' },
    },
  },
  {
    upstream: create('fails with file larger than max size'),
    bigFiles: { 'source/huge.bin': 50 * MiB + 1 },
    config: { inPath: 'source', outPath: 'archive.tar' },
    error: 'exceeds the maximum allowed single file size',
    terminal: false,
    expectFiles: { 'archive.tar': null },
    expectNoTemp: ['.'],
  },
  {
    upstream: create('fails with total archive size larger than limit'),
    bigFiles: {
      'source/chunk0.bin': 40 * MiB,
      'source/chunk1.bin': 40 * MiB,
      'source/chunk2.bin': 40 * MiB,
    },
    config: { inPath: 'source', outPath: 'archive.tar' },
    error: 'total tar archive source size exceeds the maximum allowed size',
    terminal: false,
    expectFiles: { 'archive.tar': null },
    expectNoTemp: ['.'],
  },
  {
    upstream: create('succeeds archiving a single file directly'),
    files: { 'single_file.txt': 'single file content' },
    config: { inPath: 'single_file.txt', outPath: 'archive.tar' },
    expectArchive: { path: 'archive.tar', entries: { 'single_file.txt': 'single file content' } },
  },
  {
    upstream: create('succeeds archiving an empty directory'),
    dirs: ['empty_dir'],
    config: { inPath: 'empty_dir', outPath: 'archive.tar' },
    expectArchive: { path: 'archive.tar', entries: {} },
  },
  {
    upstream: create('skips ignored directories'),
    files: { 'source/valid.txt': 'valid', 'source/node_modules/secret.txt': 'secret' },
    config: { inPath: 'source', outPath: 'archive.tar', ignore: 'node_modules/' },
    expectArchive: { path: 'archive.tar', entries: { 'valid.txt': 'valid' } },
  },
  {
    upstream: create('fails to create temp file'),
    skip: 'calls createTarball, an internal function, with an output directory that does not exist; through the step the directory is always created first (see creates parent directories for nested output path)',
    config: {},
  },

  {
    upstream: input('valid file path'),
    files: { 'real.txt': '' },
    config: { inPath: 'real.txt', outPath: 'archive.tar' },
    expectArchive: { path: 'archive.tar', entries: { 'real.txt': '' } },
  },
  {
    upstream: input('valid dir path'),
    dirs: ['real_dir'],
    config: { inPath: 'real_dir', outPath: 'archive.tar' },
    expectArchive: { path: 'archive.tar', entries: {} },
  },
  {
    upstream: input('non-existent path'),
    config: { inPath: 'fake.txt', outPath: 'archive.tar' },
    error: 'does not exist',
    terminal: false,
  },
  {
    upstream: input('path traversal attempt'),
    differs:
      'securejoin keeps ../outside.txt inside the working directory (then it does not exist); Gantry refuses the path (terminal)',
    outside: { 'outside.txt': 'outside' },
    config: { inPath: '../outside.txt', outPath: 'archive.tar' },
    error: "leaves the promotion's working directory",
    terminal: true,
    expectFiles: { 'archive.tar': null },
  },
  {
    upstream: input('fails to secure join'),
    differs: 'a NUL byte in a path is refused by name (terminal), not by securejoin',
    config: { inPath: 'a\0b', outPath: 'archive.tar' },
    error: 'contains a NUL byte',
    terminal: true,
  },
  {
    upstream: output('creates parent directories correctly'),
    files: { 'source/a.txt': 'a' },
    config: { inPath: 'source', outPath: 'deeply/nested/archive.tar' },
    expectDirs: { 'deeply/nested': true },
    expectArchive: { path: 'deeply/nested/archive.tar', entries: { 'a.txt': 'a' } },
  },
  {
    upstream: output('fails to secure join'),
    differs: 'a NUL byte in a path is refused by name (terminal), not by securejoin',
    dirs: ['source'],
    config: { inPath: 'source', outPath: 'a\0b' },
    error: 'contains a NUL byte',
    terminal: true,
  },
  {
    upstream: temp('succeeds to create temp file'),
    skip: 'tests createTempFile, an internal function; through the step every run above creates and removes one (expectNoTemp)',
    config: {},
  },
  {
    upstream: temp('fails to create temp file'),
    skip: 'tests createTempFile, an internal function, in a directory that does not exist; the step always creates it first',
    config: {},
  },

  // buildIgnoreMatcher's table, through the step: ignored paths are not in the archive.
  {
    upstream: ignore('empty string defaults to ignoring .git'),
    files: { 'source/file.txt': 'f', 'source/.git/HEAD': 'ref', 'source/src/.git/HEAD': 'ref' },
    config: { inPath: 'source', outPath: 'archive.tar' },
    expectArchive: { path: 'archive.tar', entries: { 'file.txt': 'f', 'src/': '' } },
  },
  {
    upstream: ignore('spaces default to ignoring .git'),
    files: { 'source/file.txt': 'f', 'source/.git/HEAD': 'ref' },
    config: { inPath: 'source', outPath: 'archive.tar', ignore: '   \n  ' },
    expectArchive: { path: 'archive.tar', entries: { 'file.txt': 'f' } },
  },
  {
    upstream: ignore('custom patterns'),
    files: {
      'source/error.log': 'e',
      'source/node_modules/x.js': 'x',
      'source/src/main.go': 'm',
      'source/.git/HEAD': 'ref',
    },
    config: {
      inPath: 'source',
      outPath: 'archive.tar',
      ignore: '\n# This is a comment\n*.log\nnode_modules/\n',
    },
    // Custom patterns replace the default: .git is archived.
    expectArchive: {
      path: 'archive.tar',
      entries: { '.git/': '', '.git/HEAD': 'ref', 'src/': '', 'src/main.go': 'm' },
    },
  },
];
