import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommits, type PlannedCommit } from '../../../test/fast-import-repo.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { gitSubscriptionSchema } from '../../api/warehouse.js';
import { GitError } from '../../git/git-error.js';
import { RepositoryCache } from '../../git/repository-cache.js';
import { DiscoveryError, type DiscoveredCommits, type DiscoveryContext } from '../discovery.js';
import { discoverCommits } from './git-discovery.js';
import { SharedGitSource } from './shared-git-source.js';

const context = (): DiscoveryContext => ({
  project: 'p',
  credentialsFor: () => Promise.resolve(undefined),
  signal: new AbortController().signal,
  revalidate: true,
  now: () => new Date(),
});

/** c1…c8 on top of the initial commit c0 (README.md), a minute apart. */
const HISTORY: Array<[string, string[]]> = [
  ['c1', ['apps/api/values.yaml']],
  ['c2', ['apps/web/values.yaml', 'docs/web.md']],
  ['c3', ['libs/shared/util.ts']],
  ['c4', ['apps/api/Chart.yaml', 'apps/web/Chart.yaml']],
  ['c5', ['docs/index.md']],
  ['c6', ['apps/api/values.yaml']],
  ['c7', ['apps/worker/values.yaml', 'libs/shared/util.ts']],
  ['c8', ['apps/web/src/app.ts']],
];

/** One subscription per row, all discovered together; `after` is once c9 is pushed. */
const CASES: Array<{
  name: string;
  fields: Record<string, unknown>;
  expected: string[];
  after: string[];
}> = [
  {
    name: 'a plain directory',
    fields: { includePaths: ['apps/api'] },
    expected: ['c6', 'c4', 'c1'],
    after: ['c9', 'c6', 'c4', 'c1'],
  },
  {
    name: 'another directory',
    fields: { includePaths: ['apps/web'] },
    expected: ['c8', 'c4', 'c2'],
    after: ['c8', 'c4', 'c2'],
  },
  {
    name: 'a glob',
    fields: { includePaths: ['glob:apps/*/values.yaml'] },
    expected: ['c7', 'c6', 'c2', 'c1'],
    after: ['c9', 'c7', 'c6', 'c2', 'c1'],
  },
  {
    name: 'a regex',
    fields: { includePaths: ['regex:^libs/'] },
    expected: ['c7', 'c3'],
    after: ['c7', 'c3'],
  },
  {
    name: 'a regexp',
    fields: { includePaths: ['regexp:\\.md$'] },
    expected: ['c5', 'c2', 'c0'],
    after: ['c9', 'c5', 'c2', 'c0'],
  },
  {
    name: 'include with exclude',
    fields: { includePaths: ['apps'], excludePaths: ['apps/web'] },
    expected: ['c7', 'c6', 'c4', 'c1'],
    after: ['c9', 'c7', 'c6', 'c4', 'c1'],
  },
  {
    name: 'exclude only',
    fields: { excludePaths: ['docs', 'README.md'] },
    expected: ['c8', 'c7', 'c6', 'c4', 'c3', 'c2', 'c1'],
    after: ['c9', 'c8', 'c7', 'c6', 'c4', 'c3', 'c2', 'c1'],
  },
  {
    name: 'a glob of one file name anywhere',
    fields: { includePaths: ['glob:**/Chart.yaml'] },
    expected: ['c4'],
    after: ['c4'],
  },
  {
    name: 'several includes with a limit',
    fields: { includePaths: ['apps/api', 'libs'], discoveryLimit: 2 },
    expected: ['c7', 'c6'],
    after: ['c9', 'c7'],
  },
  {
    name: 'no filters',
    fields: { discoveryLimit: 3 },
    expected: ['c8', 'c7', 'c6'],
    after: ['c9', 'c8', 'c7'],
  },
  {
    name: 'a directory no commit touches',
    fields: { includePaths: ['apps/none'] },
    expected: [],
    after: [],
  },
];

describe('SharedGitSource', () => {
  let server: TestGitServer;
  let dir: string;
  let url: string;
  const ids = new Map<string, string>();
  const named = (id: string) => [...ids].find(([, value]) => value === id)?.[0] ?? id;
  /** Fetches that downloaded objects, as the server saw them. */
  const fetches = () => server.requests.filter((r) => r.command === 'fetch').length;

  beforeAll(async () => {
    server = await startGitServer();
    dir = mkdtempSync(join(tmpdir(), 'gantry-shared-git-'));
    url = server.createRepo('mono', { 'README.md': 'hello\n' });
    ids.set('c0', server.git('mono', ['rev-parse', 'main']).trim());
    const start = Math.floor(Date.now() / 1000) - 3600;
    const plan: PlannedCommit[] = HISTORY.map(([name, paths], i) => ({
      message: name,
      when: start + i * 60,
      files: Object.fromEntries(paths.map((path) => [path, `${name}\n`])),
    }));
    importCommits(join(server.root, 'repos', 'mono.git'), plan).forEach((id, i) =>
      ids.set(HISTORY[i]![0], id),
    );
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves every subscription of a repository from one fetch and one walk per refresh', async () => {
    const shared = new SharedGitSource(new RepositoryCache(join(dir, 'data')));
    const subs = CASES.map((c) => gitSubscriptionSchema.parse({ repoURL: url, ...c.fields }));
    const discoverAll = (previous: DiscoveredCommits[] | undefined) =>
      Promise.all(subs.map((sub, i) => discoverCommits(sub, previous?.[i], context(), shared)));
    const picked = (results: DiscoveredCommits[]) =>
      Object.fromEntries(
        results.map((r, i) => [CASES[i]!.name, (r.commits ?? []).map((c) => named(c.id))]),
      );

    server.requests.length = 0;
    const first = await discoverAll(undefined);
    expect(picked(first)).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.expected])));
    expect(fetches()).toBe(1);
    // One walk for every subscription: the first batch reaches the root of this history.
    expect(shared.counts).toMatchObject({ fetches: 1, gitLogs: 1 });

    // Nothing new: the ls-remote shows the same head, every previous result stands.
    server.requests.length = 0;
    const lsRemotes = shared.counts.lsRemotes;
    const again = await discoverAll(first);
    again.forEach((result, i) => expect(result).toBe(first[i]));
    expect(fetches()).toBe(0);
    // Asked together, the ls-remotes are one or two (the second for callers that asked
    // while the first was under way), never one per subscription.
    expect(shared.counts.lsRemotes - lsRemotes).toBeLessThanOrEqual(2);

    // A push: one fetch for all, and the new commit read on top of the known history.
    ids.set(
      'c9',
      server.commitFiles('mono', { 'apps/api/values.yaml': 'c9\n', 'docs/api.md': 'c9\n' }, 'c9'),
    );
    server.requests.length = 0;
    const before = shared.counts;
    const moved = await discoverAll(first);
    expect(picked(moved)).toEqual(Object.fromEntries(CASES.map((c) => [c.name, c.after])));
    expect(fetches()).toBe(1);
    expect(shared.counts.fetches - before.fetches).toBe(1);
    expect(shared.counts.gitLogs - before.gitLogs).toBe(1);
    for (const result of moved) expect(result.observedRefs).toEqual({ branchHead: ids.get('c9') });
  });

  it('ends the history at the first commit older than since, as git log --since does', async () => {
    // Dates out of order: d2 is older than d1 below it, so `since` stops at d2 and never
    // reaches d3, although d3 is newer than since.
    const bare = join(server.root, 'repos', 'dated.git');
    server.createRepo('dated', { 'README.md': 'x\n' });
    const t = Math.floor(Date.now() / 1000) - 86_400;
    const [, , d3, d4] = importCommits(bare, [
      { message: 'd1', when: t + 600, files: { 'a/1': '1' } },
      { message: 'd2', when: t + 100, files: { 'a/2': '2' } },
      { message: 'd3', when: t + 900, files: { 'a/3': '3' } },
      { message: 'd4', when: t + 1000, files: { 'a/4': '4' } },
    ]);
    const shared = new SharedGitSource(new RepositoryCache(join(dir, 'dated-data')));
    const since = new Date((t + 500) * 1000).toISOString().replace('.000Z', 'Z');
    const result = await discoverCommits(
      gitSubscriptionSchema.parse({ repoURL: `${server.url}/dated.git`, since }),
      undefined,
      context(),
      shared,
    );
    expect(result.commits?.map((c) => c.id)).toEqual([d4, d3]);
    // What git itself answers for the same walk.
    const git = server
      .git('dated', ['log', '--first-parent', '--format=%H', `--since=@${t + 500}`, 'main'])
      .trim()
      .split('\n');
    expect(git).toEqual([d4, d3]);
  });

  it('makes a mirror once however many discoveries ask for it at the same time', async () => {
    const shared = new SharedGitSource(new RepositoryCache(join(dir, 'fresh-data')));
    const sub = gitSubscriptionSchema.parse({ repoURL: url });
    server.requests.length = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => discoverCommits(sub, undefined, context(), shared)),
    );
    const head = server.git('mono', ['rev-parse', 'main']).trim();
    expect(new Set(results.map((r) => r.commits?.[0]?.id))).toEqual(new Set([head]));
    expect(fetches()).toBe(1);
    expect(shared.counts.lsRemotes).toBeLessThanOrEqual(2);
  });

  it('tries a fetch that fails once for the discoveries waiting on it, and again later', async () => {
    class FailingFetches extends RepositoryCache {
      attempts = 0;
      override refresh(): Promise<string> {
        this.attempts++;
        return Promise.reject(new GitError('git fetch failed: the remote hung up', true));
      }
    }
    const failing = new FailingFetches(join(dir, 'failing-data'));
    const shared = new SharedGitSource(failing);
    const sub = gitSubscriptionSchema.parse({ repoURL: url, includePaths: ['apps'] });
    const wave = () =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          discoverCommits(sub, undefined, context(), shared).catch((e: unknown) => e),
        ),
      );
    for (const err of await wave()) {
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).transient).toBe(true);
      expect((err as DiscoveryError).message).toMatch('the remote hung up');
    }
    expect(failing.attempts).toBe(1);
    await wave();
    expect(failing.attempts).toBe(2);
  });
});
