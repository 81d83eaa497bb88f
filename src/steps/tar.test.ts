import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { runTarStepCases } from './compat/tar-step-case.js';
import { tarStep } from './tar.js';
import { untarStep } from './untar.js';

/**
 * tar beyond Kargo's tables (tar_creator_test.go runs in compat/tar-compat.test.ts): an archive
 * written inside what it archives, the whole working directory, paths refused, and what
 * untar makes of what tar wrote.
 */
describe('tar: paths and what the archive holds', () => {
  runTarStepCases(tarStep, [
    {
      upstream: 'an outPath inside inPath: the archive being written is not archived',
      files: { 'src/a.txt': 'a' },
      config: { inPath: 'src', outPath: 'src/out/all.tar' },
      expectArchive: { path: 'src/out/all.tar', entries: { 'a.txt': 'a', 'out/': '' } },
      expectNoTemp: ['src/out'],
    },
    {
      upstream: 'the whole working directory, .git left out by default',
      files: { 'repo/.git/HEAD': 'ref', 'repo/app.yaml': 'a' },
      config: { inPath: '.', outPath: 'all.tar.gz', gzip: true },
      expectArchive: { path: 'all.tar.gz', entries: { 'repo/': '', 'repo/app.yaml': 'a' } },
    },
    {
      upstream: 'an inPath reached through a link inside the working directory',
      files: { 'real/a.txt': 'a' },
      links: { alias: 'real' },
      config: { inPath: 'alias', outPath: 'a.tar' },
      expectArchive: { path: 'a.tar', entries: { 'a.txt': 'a' } },
    },
    {
      upstream: 'a link leading outside is archived as a link, never followed',
      files: { 'src/a.txt': 'a' },
      links: { 'src/passwd': '/etc/passwd' },
      config: { inPath: 'src', outPath: 'a.tar' },
      expectArchive: { path: 'a.tar', entries: { 'a.txt': 'a', passwd: '/etc/passwd' } },
    },
    {
      upstream: 'an outPath inside a .git directory is refused',
      files: { 'src/a.txt': 'a' },
      dirs: ['repo/.git'],
      config: { inPath: 'src', outPath: 'repo/.git/a.tar' },
      error: 'inside a .git directory',
      terminal: true,
    },
    {
      upstream: 'an inPath leading outside through a link is refused',
      links: { out: '..' },
      config: { inPath: 'out', outPath: 'a.tar' },
      error: 'through a symbolic link',
      terminal: true,
      expectFiles: { 'a.tar': null },
    },
    {
      upstream: 'an outPath that is a directory fails, leaving no temporary file',
      files: { 'src/a.txt': 'a' },
      dirs: ['out.tar'],
      config: { inPath: 'src', outPath: 'out.tar' },
      error: 'failed to move temporary file to output path',
      terminal: false,
      expectNoTemp: ['.'],
    },
  ]);

  it('leaves FIFOs out and archives each hard link as a file of its own', async () => {
    const harness = createStepHarness();
    try {
      const root = harness.workDir.root;
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src/a.txt'), 'same');
      linkSync(join(root, 'src/a.txt'), join(root, 'src/b.txt'));
      execFileSync('mkfifo', [join(root, 'src/pipe')]);
      await harness.run(tarStep, { inPath: 'src', outPath: 'a.tar' });
      const types: Record<string, string> = {};
      const parser = new Parser({ strict: true });
      parser.on('entry', (entry: ReadEntry) => {
        types[entry.path] = entry.type;
        entry.resume();
      });
      parser.end(harness.workDir.readFile('a.tar'));
      expect(types).toEqual({ 'a.txt': 'File', 'b.txt': 'File' });
      expect(harness.logs.some((line) => line.includes('left out pipe'))).toBe(true);
    } finally {
      harness.cleanup();
    }
  });

  it('untar gives back what tar archived, modes and links included', async () => {
    const harness = createStepHarness();
    try {
      const root = harness.workDir.root;
      mkdirSync(join(root, 'src/bin'), { recursive: true });
      writeFileSync(join(root, 'src/bin/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
      writeFileSync(join(root, 'src/values.yaml'), 'a: 1\n', { mode: 0o644 });
      symlinkSync('values.yaml', join(root, 'src/link.yaml'));
      await harness.run(tarStep, { inPath: 'src', outPath: 'out/src.tgz', gzip: true });
      await harness.run(untarStep, { inPath: 'out/src.tgz', outPath: 'copy' });
      const mode = (path: string) => statSync(join(root, path)).mode & 0o777;
      expect(harness.workDir.readFile('copy/bin/run.sh').toString()).toBe('#!/bin/sh\n');
      expect(mode('copy/bin/run.sh')).toBe(mode('src/bin/run.sh'));
      expect(mode('copy/values.yaml')).toBe(mode('src/values.yaml'));
      expect(readlinkSync(join(root, 'copy/link.yaml'))).toBe('values.yaml');
      expect(harness.workDir.readFile('copy/link.yaml').toString()).toBe('a: 1\n');
    } finally {
      harness.cleanup();
    }
  });

  it("names past ustar's 100 bytes and non-ASCII names survive a round trip", async () => {
    const harness = createStepHarness();
    try {
      const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(120)}.yaml`;
      harness.workDir.writeFile(`src/${long}`, 'long');
      harness.workDir.writeFile('src/café/naïve.txt', 'accents');
      await harness.run(tarStep, { inPath: 'src', outPath: 'a.tgz', gzip: true });
      await harness.run(untarStep, { inPath: 'a.tgz', outPath: 'copy' });
      expect(harness.workDir.readFile(`copy/${long}`).toString()).toBe('long');
      expect(harness.workDir.readFile('copy/café/naïve.txt').toString()).toBe('accents');
    } finally {
      harness.cleanup();
    }
  });

  it('fails with the path as configured when inPath is missing, retried as Kargo does', async () => {
    const harness = createStepHarness();
    try {
      const err = await stepError(harness.run(tarStep, { inPath: 'later', outPath: 'a.tar' }));
      expect(err.message).toBe('input path "later" does not exist');
      expect(err.terminal).toBe(false);
    } finally {
      harness.cleanup();
    }
  });
});

/** The examples of Kargo's tar.md and untar.md (docs/docs/50-user-guide/60-reference-docs/30-promotion-steps), run in turn. */
describe("tar and untar: Kargo's documented examples", () => {
  runTarStepCases(tarStep, [
    {
      upstream: 'tar.md Basic Usage',
      files: { 'source-code/main.go': 'package main\n', 'source-code/.git/HEAD': 'ref' },
      config: { inPath: './source-code', outPath: './artifacts/bundle.tar.gz', gzip: true },
      expectArchive: { path: 'artifacts/bundle.tar.gz', entries: { 'main.go': 'package main\n' } },
    },
    {
      upstream: 'tar.md Uncompressed Archive',
      files: { 'source-code/main.go': 'package main\n' },
      config: { inPath: './source-code', outPath: './artifacts/bundle.tar', gzip: false },
      expectArchive: { path: 'artifacts/bundle.tar', entries: { 'main.go': 'package main\n' } },
    },
    {
      upstream: 'tar.md Ignore Patterns',
      files: {
        'source-code/main.go': 'package main\n',
        'source-code/temp/x': 'x',
        'source-code/.DS_Store': 'junk',
      },
      config: {
        inPath: './source-code',
        outPath: './artifacts/bundle.tar.gz',
        gzip: true,
        ignore: 'temp/\n.DS_Store\n',
      },
      expectArchive: { path: 'artifacts/bundle.tar.gz', entries: { 'main.go': 'package main\n' } },
    },
  ]);
  const bundle = {
    'artifacts/bundle.tar.gz': {
      gzip: true,
      entries: [
        { name: 'bundle/app.yaml', content: 'a' },
        { name: 'bundle/run.log', content: 'log' },
        { name: 'bundle/temp/t', content: 't' },
        { name: 'bundle/.DS_Store', content: 'junk' },
      ],
    },
  };
  runTarStepCases(untarStep, [
    {
      upstream: 'untar.md Basic Usage',
      archives: bundle,
      config: { inPath: './artifacts/bundle.tar.gz', outPath: './extracted' },
      expectFiles: { 'extracted/bundle/app.yaml': 'a', 'extracted/bundle/run.log': 'log' },
    },
    {
      upstream: 'untar.md Strip Path Components',
      archives: bundle,
      config: { inPath: './artifacts/bundle.tar.gz', outPath: './extracted', stripComponents: 1 },
      expectFiles: { 'extracted/app.yaml': 'a', 'extracted/temp/t': 't' },
    },
    {
      upstream: 'untar.md Ignore Patterns',
      archives: bundle,
      config: {
        inPath: './artifacts/bundle.tar.gz',
        outPath: './extracted',
        ignore: '*.log\ntemp/\n.DS_Store\n',
      },
      expectFiles: {
        'extracted/bundle/app.yaml': 'a',
        'extracted/bundle/run.log': null,
        'extracted/bundle/temp/t': null,
        'extracted/bundle/.DS_Store': null,
      },
    },
  ]);
});
