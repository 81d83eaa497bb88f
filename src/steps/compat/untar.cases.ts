import type { ArchiveEntry, TarStepCase } from './tar-step-case.js';

const convert = (name: string) => `tar_extractor_test.go Test_untarConfig_convert ${name}`;
const run = (name: string) => `tar_extractor_test.go Test_tarExtractor_run ${name}`;
const extract = (name: string) => `tar_extractor_test.go Test_tarExtractor_extractToDir ${name}`;
const relPath = (name: string) => `tar_extractor_test.go Test_tarExtractor_validRelPath ${name}`;
const MiB = 1024 * 1024;
const file = (name: string, content: string, mode = 0o600): ArchiveEntry => ({
  name,
  content,
  mode,
});
const tar = (...entries: ArchiveEntry[]) => ({ 'archive.tar': { entries } });

/** Kargo's untar tables (pkg/promotion/runner/builtin/tar_extractor_test.go), as data. */
export const untarCases: TarStepCase[] = [
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
    config: { inPath: '/path/to/archive.tar.gz' },
    error: 'outPath',
  },
  {
    upstream: convert('outPath is empty string'),
    validateOnly: true,
    config: { inPath: '/path/to/archive.tar.gz', outPath: '' },
    error: 'outPath',
  },
  {
    upstream: convert('both required fields missing'),
    validateOnly: true,
    config: { stripComponents: 1 },
    error: 'inPath',
  },
  {
    upstream: convert('stripComponents is negative'),
    validateOnly: true,
    config: {
      inPath: '/path/to/archive.tar.gz',
      outPath: '/destination/path',
      stripComponents: -1,
    },
    error: 'stripComponents',
  },
  {
    upstream: convert('ignore is empty string'),
    validateOnly: true,
    config: { inPath: '/path/to/archive.tar.gz', outPath: '/destination/path', ignore: '' },
    error: 'ignore',
  },
  ...(
    [
      ['valid minimal config', {}],
      ['valid config with stripComponents=0', { stripComponents: 0 }],
      ['valid config with stripComponents=1', { stripComponents: 1 }],
      ['valid config with stripComponents=3', { stripComponents: 3 }],
      ['valid config with ignore patterns', { ignore: '*.log\n*.tmp\n__pycache__/' }],
      [
        'valid config with stripComponents and ignore',
        { stripComponents: 2, ignore: 'node_modules/\n.git/\n*.log' },
      ],
      [
        'valid kitchen sink',
        {
          stripComponents: 1,
          ignore:
            '# Ignore build artifacts\nbuild/\ndist/\ntarget/\n\n# Ignore logs\n*.log\n*.tmp\n\n# Ignore version control\n.git/\n.svn/\n\n# Ignore dependencies\nnode_modules/\nvendor/',
        },
      ],
    ] as const
  ).map(([name, extra]): TarStepCase => ({
    upstream: convert(name),
    validateOnly: true,
    config: { inPath: '/path/to/archive.tar.gz', outPath: '/destination/path', ...extra },
  })),

  {
    upstream: run('succeeds with basic extraction and atomic behavior'),
    archives: tar(file('file.txt', 'test content')),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: { 'extracted/file.txt': 'test content' },
    expectNoTemp: ['.'],
  },
  {
    upstream: run('creates parent directories for nested output path'),
    archives: tar(file('file.txt', 'test content')),
    config: { inPath: 'archive.tar', outPath: 'nested/extracted' },
    expectFiles: { 'nested/extracted/file.txt': 'test content' },
    expectNoTemp: ['.'],
  },
  {
    upstream: run('atomically replaces existing destination'),
    files: { 'extracted/old_file.txt': 'old content' },
    archives: tar(file('new_file.txt', 'new content')),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: { 'extracted/new_file.txt': 'new content', 'extracted/old_file.txt': null },
  },
  {
    upstream: run('fails with invalid input file path and maintains atomicity'),
    config: { inPath: 'nonexistent.tar', outPath: 'extracted/' },
    error: 'failed to open tar file',
    terminal: false,
    expectDirs: { extracted: false },
    expectNoTemp: ['.'],
  },
  {
    upstream: run('fails during extraction and maintains atomicity'),
    archives: { 'oversized.tar': { entries: [{ name: 'large_file.bin', zeros: 50 * MiB + 1 }] } },
    config: { inPath: 'oversized.tar', outPath: 'extracted/' },
    error: 'exceeds size limit',
    terminal: false,
    expectDirs: { extracted: false },
    expectNoTemp: ['.'],
  },

  {
    upstream: extract('succeeds extracting simple tar file'),
    archives: tar(
      file('file1.txt', 'test content'),
      { name: 'testdir/', type: '5', mode: 0o755 },
      file('testdir/file2.txt', 'nested content'),
    ),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: {
      'extracted/file1.txt': 'test content',
      'extracted/testdir/file2.txt': 'nested content',
    },
    expectDirs: { 'extracted/testdir': true },
  },
  {
    upstream: extract('succeeds extracting gzipped tar file'),
    archives: {
      'archive.tar.gz': { gzip: true, entries: [file('compressed.txt', 'compressed content')] },
    },
    config: { inPath: 'archive.tar.gz', outPath: 'extracted/' },
    expectFiles: { 'extracted/compressed.txt': 'compressed content' },
  },
  {
    upstream: extract('strip components'),
    archives: tar(file('prefix1/prefix2/file.txt', 'test content')),
    config: { inPath: 'archive.tar', outPath: 'extracted/', stripComponents: 2 },
    expectFiles: { 'extracted/file.txt': 'test content' },
    expectDirs: { 'extracted/prefix1': false },
  },
  {
    upstream: extract('ignore rules'),
    archives: tar(file('include.txt', 'include me'), file('ignore.txt', 'ignore me')),
    config: { inPath: 'archive.tar', outPath: 'extracted/', ignore: 'ignore.txt' },
    expectFiles: { 'extracted/include.txt': 'include me', 'extracted/ignore.txt': null },
  },
  {
    upstream: extract('handles symbolic links'),
    archives: tar(file('target.txt', 'target content'), {
      name: 'link.txt',
      type: '2',
      link: 'target.txt',
      mode: 0o777,
    }),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: {
      'extracted/target.txt': 'target content',
      'extracted/link.txt': 'target content',
    },
    expectLinks: { 'extracted/link.txt': 'target.txt' },
  },
  {
    upstream: extract('fails with non-tar file'),
    archives: { 'notatar.txt': { raw: 'not a tar file' } },
    config: { inPath: 'notatar.txt', outPath: 'extracted/' },
    error: 'error reading tar',
    terminal: false,
  },
  {
    upstream: extract('skips unsafe path traversal attempts'),
    archives: {
      'unsafe.tar': {
        entries: [
          '../outside.txt',
          '/etc/passwd',
          'subdir/../../outside.txt',
          './config.txt',
          'safe.txt',
        ].map((name) => file(name, `test content for ${name}`)),
      },
    },
    config: { inPath: 'unsafe.tar', outPath: 'extracted/' },
    expectFiles: {
      'extracted/safe.txt': 'test content for safe.txt',
      'outside.txt': null,
      'extracted/etc/passwd': null,
      'extracted/config.txt': null,
    },
    expectOutside: { 'outside.txt': null },
  },
  {
    upstream: extract('skips unsafe symlinks'),
    archives: tar(
      file('safe.txt', 'target content'),
      ...Object.entries({
        'safe_link.txt': 'safe.txt',
        'unsafe_link1.txt': '../outside.txt',
        'unsafe_link2.txt': '/etc/passwd',
        'unsafe_link3.txt': './unsafe_target.txt',
      }).map(([name, link]): ArchiveEntry => ({ name, type: '2', link, mode: 0o777 })),
    ),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: {
      'extracted/safe.txt': 'target content',
      'extracted/safe_link.txt': 'target content',
      'extracted/unsafe_link1.txt': null,
      'extracted/unsafe_link2.txt': null,
      'extracted/unsafe_link3.txt': null,
    },
  },
  {
    upstream: extract('fails with file larger than size limit'),
    archives: { 'oversized.tar': { entries: [{ name: 'large_file.bin', zeros: 50 * MiB + 1 }] } },
    config: { inPath: 'oversized.tar', outPath: 'extracted/' },
    error: 'exceeds size limit',
    terminal: false,
  },
  {
    upstream: extract('fails with file larger than size limit (names the file)'),
    archives: { 'oversized.tar': { entries: [{ name: 'large_file.bin', zeros: 50 * MiB + 1 }] } },
    config: { inPath: 'oversized.tar', outPath: 'extracted/' },
    error: 'large_file.bin',
  },
  {
    upstream: extract('fails with total archive size larger than limit'),
    archives: {
      'oversized.tar': {
        entries: [0, 1, 2].map((i) => ({ name: `file${i}.bin`, zeros: 50 * MiB - 1 })),
      },
    },
    config: { inPath: 'oversized.tar', outPath: 'extracted/' },
    error: 'extraction aborted: total size would exceed limit',
    terminal: false,
    expectDirs: { extracted: false },
  },
  {
    upstream: extract('handles file permissions safely (masks setuid/setgid)'),
    archives: tar(file('setuid_file.txt', 'test content', 0o4755)),
    config: { inPath: 'archive.tar', outPath: 'extracted/' },
    expectFiles: { 'extracted/setuid_file.txt': 'test content' },
    // 0755 under the usual umask 022, as upstream's assertion assumes.
    expectModes: { 'extracted/setuid_file.txt': 0o755 & ~process.umask() },
  },

  // validRelPath's table, through the step: a valid name is extracted, an invalid one is not.
  ...(
    [
      ['file.txt', true],
      ['dir/file.txt', true],
      ['dir/subdir/file.txt', true],
      ['/absolute/path', false],
      ['../traversal', false],
      ['dir/../file', false],
      ['./current', false],
      ['file\\with\\backslash', false],
    ] as const
  ).map(([name, valid]): TarStepCase => ({
    upstream: relPath(`path_${name}`),
    archives: tar(file(name, 'x'), file('marker.txt', 'm')),
    config: { inPath: 'archive.tar', outPath: 'extracted' },
    expectFiles: {
      'extracted/marker.txt': 'm',
      [`extracted/${name.replace(/^\/+/, '')}`]: valid ? 'x' : null,
      ...(name === 'dir/../file' ? { 'extracted/file': null } : {}),
      ...(name === './current' ? { 'extracted/current': null } : {}),
    },
    expectOutside: { traversal: null },
  })),
  {
    upstream: relPath('path_ (empty)'),
    differs:
      "Go's reader hands over an entry with an empty name, which Kargo skips; node-tar's strict parser refuses the archive",
    archives: tar(file('', 'x'), file('marker.txt', 'm')),
    config: { inPath: 'archive.tar', outPath: 'extracted' },
    error: 'error reading tar',
    expectDirs: { extracted: false },
  },
];
