import { describe, expect, it } from 'vitest';
import { changedPaths, type CommitFiles } from './changed-paths.js';

describe('changedPaths', () => {
  const cases: Array<{
    name: string;
    commits: CommitFiles[] | null | undefined;
    want: string[] | undefined;
  }> = [
    { name: 'no commits list', commits: undefined, want: undefined },
    { name: 'a null commits list', commits: null, want: undefined },
    { name: 'an empty commits list', commits: [], want: undefined },
    {
      name: 'added, modified and removed files, each once, in first-seen order',
      commits: [
        { added: ['b', 'a'], modified: ['c'], removed: [] },
        { added: [], modified: ['a', 'd'], removed: ['c', 'e'] },
      ],
      want: ['b', 'a', 'c', 'd', 'e'],
    },
    {
      name: 'commits whose lists are absent or null',
      commits: [{ modified: ['x'] }, { added: null, modified: null, removed: ['y'] }],
      want: ['x', 'y'],
    },
    {
      name: 'commits that changed no file',
      commits: [{ added: [], modified: [], removed: [] }],
      want: [],
    },
  ];
  for (const { name, commits, want } of cases) {
    it(name, () => {
      expect(changedPaths(commits)).toEqual(want);
    });
  }
});
