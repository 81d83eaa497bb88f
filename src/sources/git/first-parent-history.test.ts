import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommits, type PlannedCommit } from '../../../test/fast-import-repo.js';
import { FirstParentHistory, type HistoryChain } from './first-parent-history.js';

const never = new AbortController().signal;

/** Every commit of the chain, loading as needed. */
async function readAll(chain: HistoryChain): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; ; i++) {
    const commit = chain.at(i) ?? (await chain.load(i, never));
    if (!commit) return ids;
    ids.push(commit.id);
  }
}

const commits = (count: number, prefix: string): PlannedCommit[] =>
  Array.from({ length: count }, (_, i) => ({
    message: `${prefix}${i}`,
    when: 1_700_000_000 + i * 60,
    files: { [`${prefix}/${i % 7}.txt`]: `${prefix}${i}\n` },
  }));

describe('FirstParentHistory', () => {
  let dir: string;
  let repo: string;
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  const firstParents = (rev: string) => git(['rev-list', '--first-parent', rev]).split('\n');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-history-'));
    repo = join(dir, 'repo.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', repo]);
    importCommits(repo, commits(300, 'a'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a head in growing batches, only as far as asked', async () => {
    const history = new FirstParentHistory();
    const head = git(['rev-parse', 'main']);
    const chain = history.chain(repo, head);
    expect((await chain.load(10, never))?.id).toBe(firstParents(head)[10]);
    expect(history.gitLogs).toBe(1); // the first batch: 256 commits
    expect(await readAll(chain)).toEqual(firstParents(head));
    expect(history.gitLogs).toBe(2);
    expect(chain.at(0)?.paths).toEqual(['a/5.txt']); // commit 299 changed a/(299 % 7)
    // Asked again, the same chain answers without git.
    expect(history.chain(repo, head)).toBe(chain);
  });

  it('reads a new head only down to a known one, and a rewritten one whole', async () => {
    const history = new FirstParentHistory();
    const old = git(['rev-parse', 'main']);
    await readAll(history.chain(repo, old));
    const logs = history.gitLogs;

    const [, newer] = importCommits(repo, commits(2, 'b'));
    expect(await readAll(history.chain(repo, newer!))).toEqual(firstParents(newer!));
    expect(history.gitLogs - logs).toBe(1);

    // A branch that does not descend from any known head: its own history, in full.
    git(['update-ref', 'refs/heads/other', firstParents(old)[150]!]);
    const [rewritten] = importCommits(repo, commits(1, 'c'), 'other');
    expect(await readAll(history.chain(repo, rewritten!))).toEqual(firstParents(rewritten!));
  });

  it('shares one batch between readers asking at once', async () => {
    const history = new FirstParentHistory();
    const head = git(['rev-parse', 'main']);
    const chain = history.chain(repo, head);
    const [a, b] = await Promise.all([chain.load(5, never), chain.load(6, never)]);
    expect([a?.id, b?.id]).toEqual(firstParents(head).slice(5, 7));
    expect(history.gitLogs).toBe(1);
  });

  it('reads the changed paths of commits by id once per mirror', async () => {
    const history = new FirstParentHistory();
    const [first, second] = firstParents('main');
    const found = await history.commits(repo, [first!, second!], never);
    expect([...found.keys()]).toEqual([first, second]);
    await history.commits(repo, [second!], never);
    expect(history.gitLogs).toBe(1);
  });

  it('forgets the least recently used chains beyond its bound on commits', async () => {
    const history = new FirstParentHistory({ maxCommits: 100 });
    const head = git(['rev-parse', 'main']);
    const first = history.chain(repo, head);
    await readAll(first);
    const other = history.chain(repo, git(['rev-parse', 'other']));
    expect(history.chain(repo, head)).not.toBe(first);
    // The forgotten chain still answers whoever holds it.
    expect(first.at(0)?.id).toBe(head);
    expect(history.chain(repo, other.head)).toBe(other);
  });
});
