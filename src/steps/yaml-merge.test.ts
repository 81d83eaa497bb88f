import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { yamlMergeCommitMessage, yamlMergeStep } from './yaml-merge.js';

/** Merges `files` in order and answers the written text. */
async function merged(...files: string[]): Promise<string> {
  const harness = createStepHarness();
  try {
    const names = files.map((text, i) => {
      harness.workDir.writeFile(`in${i}.yaml`, text);
      return `in${i}.yaml`;
    });
    await harness.run(yamlMergeStep, { inFiles: names, outFile: 'out.yaml' });
    return readFileSync(join(harness.workDir.root, 'out.yaml'), 'utf8');
  } finally {
    harness.cleanup();
  }
}

describe('yaml-merge', () => {
  it.each([
    { name: 'no input files', inFiles: [], expected: '' },
    {
      name: 'one input file',
      inFiles: ['base.yaml'],
      expected: 'Wrote base.yaml to out/test.yaml',
    },
    {
      name: 'multiple input files',
      inFiles: ['base.yaml', 'overrides.yaml'],
      expected: 'Merged 2 YAML files to out/test.yaml\n- base.yaml\n- overrides.yaml',
    },
  ])('commit message: $name (yaml_merger_test.go Test_YAMLMerger_generateCommitMessage)', (c) => {
    expect(yamlMergeCommitMessage(c.inFiles, 'out/test.yaml')).toBe(c.expected);
  });

  it('outputs the commit message of the files it read (missing ones left out)', async () => {
    const harness = createStepHarness();
    try {
      harness.workDir.writeFile('a.yaml', 'a: 1\n');
      const outcome = await harness.run(yamlMergeStep, {
        inFiles: ['a.yaml', 'gone.yaml'],
        outFile: 'out.yaml',
        ignoreMissingFiles: true,
      });
      expect(outcome.output).toEqual({ commitMessage: 'Wrote a.yaml to out.yaml' });
    } finally {
      harness.cleanup();
    }
  });

  // kyaml's merge2, as Kargo's pkg/yaml/merge.go calls it.
  it.each([
    {
      name: 'a null in a later file removes the key',
      files: ['a: 1\nb:\n  c: 2\nd: 3\n', 'a: null\nb: ~\ne: null\n'],
      expected: 'd: 3\n',
    },
    {
      name: 'an earlier null written out is kept, an empty value dropped',
      files: ['a: null\nb: ~\nc:\nd: 1\n', 'd: 2\n'],
      expected: 'a: null\nb: ~\nd: 2\n',
    },
    {
      name: 'a single file is written unchanged in content, its nulls kept',
      files: ['a: null\nlist:\n  - 1\n'],
      expected: 'a: null\nlist:\n- 1\n',
    },
    {
      name: 'new keys are appended in sorted order, existing ones keep their place',
      files: ['b: 1\na: 1\n', 'z: 2\nc: 2\nb: 2\n'],
      expected: 'b: 2\na: 1\nc: 2\nz: 2\n',
    },
    {
      name: 'maps merge at every depth, lists are replaced',
      files: [
        'app:\n  image: {repo: web, tag: "1"}\n  ports: [80, 443]\n',
        'app:\n  image:\n    tag: "2"\n  ports: [8080]\n',
      ],
      expected: 'app:\n  image: {repo: web, tag: "2"}\n  ports: [8080]\n',
    },
    {
      name: 'a replaced scalar keeps the quoting of the one it replaces',
      files: ["a: 'x'\nb: plain\n", 'a: y\nb: "z"\n'],
      expected: "a: 'y'\nb: z\n",
    },
    {
      name: 'strings YAML 1.1 reads otherwise are quoted',
      files: ['a: 1\n', 'a: "yes"\nb: on\nc: "1:30"\n'],
      expected: 'a: "yes"\nb: "on"\nc: "1:30"\n',
    },
    {
      name: 'later documents of a file are ignored',
      files: ['a: 1\n---\nb: 2\n', 'c: 3\n'],
      expected: 'a: 1\nc: 3\n',
    },
    {
      name: 'a $patch: replace map replaces, $patch: delete removes',
      files: [
        'a:\n  x: 1\n  y: 2\nb:\n  x: 1\n',
        'a:\n  $patch: replace\n  z: 3\nb:\n  $patch: delete\n',
      ],
      expected: 'a:\n  z: 3\n',
    },
    {
      name: 'a file of comments only is skipped',
      files: ['a: 1\n', '# nothing here\n', 'b: 2\n'],
      expected: 'a: 1\nb: 2\n',
    },
  ])('$name', async ({ files, expected }) => {
    expect(await merged(...files)).toBe(expected);
  });

  it.each([
    { name: 'a map over a scalar', files: ['a: 1\n', 'a:\n  b: 2\n'], error: 'wrong node kind' },
    { name: 'a list over a map', files: ['a:\n  b: 1\n', 'a: [1]\n'], error: 'wrong node kind' },
    {
      name: 'an unknown $patch',
      files: ['a:\n  b: 1\n', 'a:\n  $patch: keep\n'],
      error: "unknown patch strategy 'keep'",
    },
    {
      name: 'a duplicate key',
      files: ['a: 1\na: 2\n'],
      error: 'error reading input file in0.yaml',
    },
  ])('refuses $name (retried, as Kargo answers Errored)', async ({ files, error }) => {
    const harness = createStepHarness();
    try {
      const names = files.map((text, i) => {
        harness.workDir.writeFile(`in${i}.yaml`, text);
        return `in${i}.yaml`;
      });
      const err = await stepError(
        harness.run(yamlMergeStep, { inFiles: names, outFile: 'out.yaml' }),
      );
      expect(err.message).toContain(error);
      expect(err.terminal).toBe(false);
    } finally {
      harness.cleanup();
    }
  });

  it('keeps every path inside the working directory', async () => {
    const harness = createStepHarness();
    try {
      harness.workDir.writeFile('a.yaml', 'a: 1\n');
      const err = await stepError(
        harness.run(yamlMergeStep, { inFiles: ['../x.yaml'], outFile: 'out.yaml' }),
      );
      expect(err.message).toContain('inFiles[0]');
      expect(err.terminal).toBe(true);
      const out = await stepError(
        harness.run(yamlMergeStep, { inFiles: ['a.yaml'], outFile: '.git/config' }),
      );
      expect(out.message).toContain('outFile');
    } finally {
      harness.cleanup();
    }
  });
});
