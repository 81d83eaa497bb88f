import type { FileStepCase } from './file-step-case.js';

const convert = (name: string) => `file_writer_test.go Test_fileWriter_convert ${name}`;
const run = (name: string) => `file_writer_test.go Test_fileWriter_run ${name}`;

/** Kargo's file-write tables (pkg/promotion/runner/builtin/file_writer_test.go), as data. */
export const fileWriteCases: FileStepCase[] = [
  {
    upstream: convert('path not specified'),
    validateOnly: true,
    config: { contents: 'test content' },
    error: 'path',
  },
  {
    upstream: convert('path is empty string'),
    validateOnly: true,
    config: { path: '', contents: 'test content' },
    error: 'path',
  },
  {
    upstream: convert('contents not specified'),
    validateOnly: true,
    config: { path: 'test.txt' },
    error: 'contents',
  },
  {
    upstream: convert('contents may be empty'),
    validateOnly: true,
    config: { path: 'test.txt', contents: '' },
  },
  {
    upstream: convert('contents must be a string'),
    validateOnly: true,
    config: { path: 'test.txt', contents: { key: 'value' } },
    error: 'contents',
  },
  {
    upstream: convert('unknown field'),
    validateOnly: true,
    config: { path: 'test.txt', contents: 'test content', unknown: true },
    error: 'unknown',
  },
  {
    upstream: convert('valid configuration'),
    validateOnly: true,
    config: { path: 'test.txt', contents: 'test content', overwrite: true, permissions: '0644' },
  },
  {
    upstream: convert('permissions must be a string'),
    validateOnly: true,
    config: { path: 'test.txt', contents: 'test content', permissions: 0o644 },
    error: 'permissions',
  },
  {
    upstream: convert('permissions must be octal'),
    validateOnly: true,
    config: { path: 'test.txt', contents: 'test content', permissions: 'invalid' },
    error: 'permissions',
  },
  // The schema's pattern is ^0[0-7]{3}$: the leading zero is required (schemas/file-write-config.json).
  {
    upstream: 'schemas/file-write-config.json permissions without the leading 0',
    validateOnly: true,
    config: { path: 't.txt', contents: '', permissions: '644' },
    error: 'permissions',
  },
  {
    upstream: 'schemas/file-write-config.json permissions with special bits',
    validateOnly: true,
    config: { path: 't.txt', contents: '', permissions: '1777' },
    error: 'permissions',
  },
  {
    upstream: 'schemas/file-write-config.json empty permissions',
    validateOnly: true,
    config: { path: 't.txt', contents: '', permissions: '' },
    error: 'permissions',
  },
  {
    upstream: 'schemas/file-write-config.json overwrite must be a boolean',
    validateOnly: true,
    config: { path: 't.txt', contents: '', overwrite: 'true' },
    error: 'overwrite',
  },

  {
    upstream: run('writes new file'),
    config: { path: 'out/config.yaml', contents: 'key: value\n' },
    expectFiles: { 'out/config.yaml': 'key: value\n' },
  },
  {
    upstream: run('writes contents exactly as provided'),
    config: { path: 'out/config.yaml', contents: 'key: value' },
    expectFiles: { 'out/config.yaml': 'key: value' },
  },
  {
    upstream: run('writes empty file'),
    config: { path: 'empty.txt', contents: '' },
    expectFiles: { 'empty.txt': '' },
  },
  // Not in the table, but file_writer.go's default: 0600.
  {
    upstream: 'file_writer.go default permissions 0600',
    config: { path: 'secret.txt', contents: 'x' },
    expectModes: { 'secret.txt': 0o600 },
  },
  {
    upstream: run('writes file with custom permissions'),
    config: { path: 'public.txt', contents: 'test content', permissions: '0644' },
    expectModes: { 'public.txt': 0o644 },
  },
  {
    upstream: run('changes permissions when overwriting existing file'),
    files: { 'public.txt': 'existing content' },
    config: { path: 'public.txt', contents: 'new content', overwrite: true, permissions: '0644' },
    expectFiles: { 'public.txt': 'new content' },
    expectModes: { 'public.txt': 0o644 },
  },
  {
    upstream: run('rejects executable permissions'),
    config: { path: 'script.sh', contents: 'echo test', permissions: '0755' },
    error: 'must not include executable bits',
    terminal: true,
    expectFiles: { 'script.sh': null },
  },
  {
    // Kargo's run() is called with the schema bypassed; through the schema "1777" is refused earlier.
    upstream: run('rejects special mode bits'),
    config: { path: 'public.txt', contents: 'test content', permissions: '1777' },
    error: 'permissions',
    terminal: true,
    expectFiles: { 'public.txt': null },
  },
  {
    upstream: run('rejects world-writable permissions'),
    config: { path: 'public.txt', contents: 'test content', permissions: '0666' },
    error: 'must not be world-writable',
    terminal: true,
    expectFiles: { 'public.txt': null },
  },
  {
    upstream: run('fails when file exists without overwrite'),
    files: { 'config.yaml': 'existing: true\n' },
    config: { path: 'config.yaml', contents: 'existing: false\n' },
    error: 'already exists',
    terminal: true,
    expectFiles: { 'config.yaml': 'existing: true\n' },
  },
  {
    upstream: run('overwrites existing file'),
    files: { 'config.yaml': 'existing: true\n' },
    config: { path: 'config.yaml', contents: 'existing: false\n', overwrite: true },
    expectFiles: { 'config.yaml': 'existing: false\n' },
  },
  {
    upstream: run('fails when path escapes work dir'),
    config: { path: '../escape.txt', contents: 'test content' },
    error: '',
    terminal: true,
  },
  {
    upstream: run('fails when path targets .git directory'),
    dirs: ['.git'],
    config: { path: '.git/config', contents: 'malicious content' },
    error: '.git',
    terminal: true,
    expectFiles: { '.git/config': null },
  },
  {
    upstream: run('fails when destination is directory'),
    dirs: ['config.yaml'],
    config: { path: 'config.yaml', contents: 'test content', overwrite: true },
    error: '',
    terminal: false,
    expectDirs: { 'config.yaml': true },
  },
  // file_writer.go: a path through a symbolic link is refused, even one inside the working directory.
  {
    upstream: 'file_writer.go path through a symbolic link',
    dirs: ['real'],
    links: { link: 'real' },
    config: { path: 'link/file.txt', contents: 'x' },
    error: 'symbolic link',
    terminal: true,
    expectFiles: { 'real/file.txt': null },
  },
];
