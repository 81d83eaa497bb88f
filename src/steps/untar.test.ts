import { describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { runTarStepCases, tarBytes, type ArchiveEntry } from './compat/tar-step-case.js';
import { untarStep } from './untar.js';

const file = (name: string, content: string): ArchiveEntry => ({ name, content });
const link = (name: string, target: string): ArchiveEntry => ({ name, type: '2', link: target });
const tar = (...entries: ArchiveEntry[]) => ({ 'archive.tar': { entries } });
const config = { inPath: 'archive.tar', outPath: 'extracted' };

/**
 * What Gantry's untar refuses beyond Kargo's tables (tar_extractor_test.go runs in
 * compat/tar-compat.test.ts): links that climb, writes through extracted links, `.git`, odd
 * entry types; and the edges of reading (gzip by its magic bytes, the end marker, empty input).
 */
describe('untar: what it refuses and how it reads', () => {
  runTarStepCases(untarStep, [
    {
      upstream: 'a link to .. is skipped, and an entry below its name lands in a directory',
      archives: tar(link('up', '..'), file('up/evil.txt', 'evil')),
      config,
      expectFiles: { 'evil.txt': null, 'extracted/up/evil.txt': 'evil' },
      expectDirs: { 'extracted/up': true },
    },
    {
      upstream: 'a link whose target ends in /.. or holds a .. segment is skipped',
      archives: tar(
        { name: 'dir/', type: '5' },
        link('a', 'dir/..'),
        link('b', 'dir/../..'),
        file('marker.txt', 'm'),
      ),
      config,
      expectFiles: { 'extracted/a': null, 'extracted/b': null, 'extracted/marker.txt': 'm' },
    },
    {
      upstream: 'a bare .. entry is skipped',
      archives: tar({ name: '..', type: '5' }, file('a/..', 'x'), file('marker.txt', 'm')),
      config,
      expectFiles: { 'extracted/marker.txt': 'm' },
      expectOutside: { a: null },
    },
    {
      upstream: 'nothing is written through an extracted link, even one that stays inside',
      archives: tar({ name: 'real/', type: '5' }, link('sub', 'real'), file('sub/x.txt', 'x')),
      config,
      expectLinks: { 'extracted/sub': 'real' },
      expectFiles: { 'extracted/real/x.txt': null },
    },
    {
      upstream: 'a file entry after a link of the same name replaces the link, not its target',
      archives: tar(file('target.txt', 'target'), link('f', 'target.txt'), file('f', 'new')),
      config,
      expectFiles: { 'extracted/target.txt': 'target', 'extracted/f': 'new' },
    },
    {
      upstream: 'hard links, character devices and FIFOs are skipped',
      archives: tar(
        file('target.txt', 'target'),
        { name: 'hard', type: '1', link: 'target.txt' },
        { name: 'tty', type: '3' },
        { name: 'fifo', type: '6' },
      ),
      config,
      expectFiles: {
        'extracted/target.txt': 'target',
        'extracted/hard': null,
        'extracted/tty': null,
        'extracted/fifo': null,
      },
    },
    {
      upstream: 'entries in a .git directory are skipped, whatever ignore says',
      archives: tar(
        file('.git/config', '[core]\n\tfsmonitor = evil\n'),
        file('sub/.GIT/hooks/pre-commit', 'evil'),
        file('app.yaml', 'a'),
      ),
      config: { ...config, ignore: '*.log' },
      expectFiles: {
        'extracted/.git/config': null,
        'extracted/sub/.GIT/hooks/pre-commit': null,
        'extracted/app.yaml': 'a',
      },
    },
    {
      upstream: 'ignore takes .gitignore lines relative to the archive root, after stripping',
      archives: tar(
        file('chart/logs/a.log', 'log'),
        file('chart/temp/t.txt', 't'),
        file('chart/keep/temp', 'a file named temp'),
        file('chart/values.yaml', 'v'),
      ),
      config: { ...config, stripComponents: 1, ignore: '*.log\ntemp/\n' },
      expectFiles: {
        'extracted/logs/a.log': null,
        'extracted/temp/t.txt': null,
        'extracted/keep/temp': 'a file named temp',
        'extracted/values.yaml': 'v',
      },
    },
    {
      upstream: 'gzip is recognised by its magic bytes, not the file name',
      archives: {
        'bundle.tar': { gzip: true, entries: [file('a.txt', 'from gzip')] },
        'plain.tgz': { entries: [file('b.txt', 'from plain')] },
      },
      config: { inPath: 'bundle.tar', outPath: 'one' },
      expectFiles: { 'one/a.txt': 'from gzip' },
    },
    {
      upstream: 'a plain archive named .tgz is read as plain tar',
      archives: { 'plain.tgz': { entries: [file('b.txt', 'from plain')] } },
      config: { inPath: 'plain.tgz', outPath: 'two' },
      expectFiles: { 'two/b.txt': 'from plain' },
    },
    {
      upstream: 'an archive of no entries extracts to an empty directory',
      archives: tar(),
      config,
      expectDirs: { extracted: true },
    },
    {
      upstream: 'what follows the end-of-archive marker is not read',
      archives: {
        'archive.tar': { raw: tarBytes([file('a.txt', 'a')]).toString('latin1') + 'garbage' },
      },
      config,
      expectFiles: { 'extracted/a.txt': 'a' },
    },
    {
      upstream: 'an empty file is no archive',
      files: { 'archive.tar': '' },
      config,
      error: 'failed to read file header',
      terminal: false,
    },
    {
      upstream: 'a damaged gzip stream fails the step and leaves outPath as it was',
      files: { 'extracted/old.txt': 'old' },
      archives: { 'archive.tar': { raw: '\x1f\x8b\x08\x00garbage' } },
      config,
      error: 'failed to extract tar file "archive.tar"',
      terminal: false,
      expectFiles: { 'extracted/old.txt': 'old' },
      expectNoTemp: ['.'],
    },
    {
      upstream: 'outPath may not be the working directory itself (it is replaced whole)',
      archives: tar(file('a.txt', 'a')),
      config: { inPath: 'archive.tar', outPath: '.' },
      error: 'is the working directory itself',
      terminal: true,
      expectDirs: { '.': true },
    },
    {
      upstream: 'an outPath that is a file is left as it is (Kargo: failed to create directory)',
      files: { extracted: 'a file' },
      archives: tar(file('a.txt', 'a')),
      config,
      error: 'failed to create directory "extracted"',
      terminal: false,
      expectFiles: { extracted: 'a file' },
      expectNoTemp: ['.'],
    },
    {
      upstream: 'outPath inside a .git directory is refused',
      dirs: ['repo/.git'],
      archives: tar(file('a.txt', 'a')),
      config: { inPath: 'archive.tar', outPath: 'repo/.git/hooks' },
      error: 'inside a .git directory',
      terminal: true,
    },
    {
      upstream: 'an inPath out of the working directory is refused',
      config: { inPath: '../archive.tar', outPath: 'extracted' },
      error: "leaves the promotion's working directory",
      terminal: true,
    },
    {
      upstream: 'a link on the way to outPath may not lead outside',
      links: { out: '..' },
      archives: tar(file('a.txt', 'a')),
      config: { inPath: 'archive.tar', outPath: 'out/x' },
      error: 'through a symbolic link',
      terminal: true,
      expectOutside: { x: null },
    },
  ]);
});

describe('untar: archives cut short', () => {
  const whole = tarBytes([
    { name: 'a.txt', content: 'a'.repeat(700) },
    { name: 'b.txt', content: 'b' },
  ]);
  runTarStepCases(untarStep, [
    {
      upstream: 'an archive cut in the middle of a file fails the step, outPath untouched',
      files: { 'extracted/old.txt': 'old' },
      archives: { 'archive.tar': { raw: whole.subarray(0, 512 + 300).toString('latin1') } },
      config,
      error: 'error reading tar',
      terminal: false,
      expectFiles: { 'extracted/old.txt': 'old' },
      expectNoTemp: ['.'],
    },
    {
      upstream: 'a header whose checksum does not match fails the step (Go: invalid tar header)',
      archives: {
        'archive.tar': {
          raw: (() => {
            const bytes = Buffer.from(whole);
            bytes[0] = 'c'.charCodeAt(0);
            return bytes.toString('latin1');
          })(),
        },
      },
      config,
      error: 'error reading tar',
      terminal: false,
      expectDirs: { extracted: false },
    },
    {
      upstream: 'an archive cut in the middle of a header fails the step',
      archives: { 'archive.tar': { raw: whole.subarray(0, 1536 + 100).toString('latin1') } },
      config,
      error: 'error reading tar',
      terminal: false,
      expectDirs: { extracted: false },
    },
  ]);
});

describe('untar: messages', () => {
  it('names paths as configured, never the server path of the working directory', async () => {
    const harness = createStepHarness();
    try {
      const err = await stepError(
        harness.run(untarStep, { inPath: 'missing.tar', outPath: 'extracted' }),
      );
      expect(err.message).toBe(
        'failed to extract tar file "missing.tar": failed to open tar file "missing.tar": ENOENT: no such file or directory',
      );
      expect(err.message).not.toContain(harness.workDir.root);
    } finally {
      harness.cleanup();
    }
  });
});
