import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { gitSubscriptionSchema } from '../../api/warehouse.js';
import { RepositoryCache } from '../../git/repository-cache.js';
import { DiscoveryError, type DiscoveryContext, type DiscoveryCredentials } from '../discovery.js';
import { discoverCommits } from './git-discovery.js';

const AUTHOR = 'Ann Author <ann@example.test>';
const COMMITTER = 'Cal Committer <cal@example.test>';
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Ann Author',
  GIT_AUTHOR_EMAIL: 'ann@example.test',
  GIT_COMMITTER_NAME: 'Cal Committer',
  GIT_COMMITTER_EMAIL: 'cal@example.test',
};
/** Commit dates: a minute apart, after the initial commit `createRepo` makes now. */
const T0 = Math.floor(Date.now() / 1000) + 3600;
const at = (minute: number) => T0 + minute * 60;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Counts fetches: every fetch goes through `refresh`, which also (re)creates the mirror. */
class CountingCache extends RepositoryCache {
  refreshes = 0;
  override refresh(...args: Parameters<RepositoryCache['refresh']>): Promise<string> {
    this.refreshes++;
    return super.refresh(...args);
  }
}

/** Fetches each repository once: the tables only read what the setup pushed, so one will do. */
class FetchOnceCache extends RepositoryCache {
  readonly #mirrors = new Map<string, Promise<string>>();
  override refresh(...args: Parameters<RepositoryCache['refresh']>): Promise<string> {
    const mirror = this.#mirrors.get(args[0]) ?? super.refresh(...args);
    this.#mirrors.set(args[0], mirror);
    return mirror;
  }
}

/**
 * A clone of one of the server's repositories, worked on through the file system (the server
 * runs in this process, so nothing here may wait on it synchronously), with dated commits.
 */
function workspace(server: TestGitServer, name: string, root: string) {
  const bare = join(server.root, 'repos', `${name}.git`);
  const work = mkdtempSync(join(root, `${name}-`));
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: work,
      env: { ...process.env, ...IDENTITY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  git(['clone', '-q', bare, '.']);
  const dated = (seconds: number) => ({
    GIT_AUTHOR_DATE: `@${seconds} +0000`,
    GIT_COMMITTER_DATE: `@${seconds} +0000`,
  });
  return {
    git,
    /** Writes (or with null deletes) files, commits them at `when`, returns the commit id. */
    commit(files: Record<string, string | null>, message: string, when: number): string {
      for (const [path, content] of Object.entries(files)) {
        if (content === null) rmSync(join(work, path));
        else {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
      }
      git(['add', '-A']);
      git(['commit', '-q', '--allow-empty', '-m', message], dated(when));
      return git(['rev-parse', 'HEAD']);
    },
    tag(tag: string, target: string, annotation?: { message: string; when: number }): void {
      if (annotation)
        git(['tag', '-a', tag, '-m', annotation.message, target], dated(annotation.when));
      else git(['tag', tag, target]);
    },
    merge(branch: string, message: string, when: number): string {
      git(['merge', '-q', '--no-ff', branch, '-m', message], dated(when));
      return git(['rev-parse', 'HEAD']);
    },
    push(...refs: string[]): void {
      git(['push', '-q', 'origin', ...refs]);
    },
  };
}

function contextWith(credentials?: DiscoveryCredentials, revalidate = false): DiscoveryContext {
  return {
    project: 'team',
    credentialsFor: () => Promise.resolve(credentials),
    signal: new AbortController().signal,
    revalidate,
    now: () => new Date(),
  };
}

const subscription = (fields: Record<string, unknown>) => gitSubscriptionSchema.parse(fields);

describe('discoverCommits', () => {
  let server: TestGitServer;
  let secured: TestGitServer;
  let dir: string;
  let cache: RepositoryCache;
  /** Commit ids by the names the tables use. */
  const ids = new Map<string, string>();
  const named = (id: string) => [...ids].find(([, value]) => value === id)?.[0] ?? id;
  let branchRepo: string;
  let tagRepo: string;

  beforeAll(async () => {
    server = await startGitServer();
    secured = await startGitServer({ username: 'ci', password: 's3cret-token' });
    dir = mkdtempSync(join(tmpdir(), 'gantry-git-discovery-'));
    cache = new FetchOnceCache(join(dir, 'data'));

    // main: c0 ─ c1 ─ c2 ─ c3 ─ m ─ c4, where m merges `side` (s1) with --no-ff.
    branchRepo = server.createRepo('branchy', { 'README.md': 'hello\n' });
    const b = workspace(server, 'branchy', dir);
    ids.set('c0', b.git(['rev-parse', 'HEAD']));
    ids.set('c1', b.commit({ 'apps/a/values.yaml': 'a: 1\n' }, 'Fix a', at(1)));
    ids.set('c2', b.commit({ 'docs/guide.md': 'guide\n' }, 'Docs only', at(2)));
    b.git(['checkout', '-q', '-b', 'side']);
    ids.set('s1', b.commit({ 'apps/c/x.yaml': 'c\n' }, 'Side work', at(3)));
    b.git(['checkout', '-q', 'main']);
    ids.set(
      'c3',
      b.commit({ 'apps/b/notes.md': 'b\n', 'apps/b/values.yaml': 'b: 1\n' }, 'Add b', at(4)),
    );
    ids.set('m', b.merge('side', 'Merge side', at(5)));
    ids.set('c4', b.commit({ 'src/main.ts': 'x\n' }, '[skip] tweak', at(6)));
    b.push('main', 'side');

    // t1 ─ t2 ─ t3 with lightweight and annotated tags whose dates differ from their commits'.
    tagRepo = server.createRepo('tagged', { 'README.md': 'hello\n' });
    const t = workspace(server, 'tagged', dir);
    ids.set('t1', t.commit({ 'apps/a.yaml': '1\n' }, 'First', at(1)));
    ids.set('t2', t.commit({ 'docs/a.md': '2\n' }, 'Second', at(2)));
    ids.set('t3', t.commit({ 'apps/b.yaml': '3\n' }, 'Third', at(3)));
    t.tag('1.0.0', ids.get('t1')!);
    t.tag('1.2.0', ids.get('t2')!, { message: 'Second release\n\nNotes.', when: at(9) });
    t.tag('1.10.0', ids.get('t3')!);
    t.tag('v2.0.0', ids.get('t1')!, { message: 'Two', when: at(8) });
    t.tag('nightly-2', ids.get('t3')!);
    t.tag('alpha', ids.get('t2')!);
    t.push('main', '--tags');
  });

  afterAll(async () => {
    await server.stop();
    await secured.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('NewestFromBranch', () => {
    const cases: Array<{ name: string; fields?: Record<string, unknown>; expected: string[] }> = [
      { name: 'the first-parent history', expected: ['c4', 'm', 'c3', 'c2', 'c1', 'c0'] },
      { name: 'another branch', fields: { branch: 'side' }, expected: ['s1', 'c2', 'c1', 'c0'] },
      {
        name: 'a plain include path',
        fields: { includePaths: ['apps'] },
        expected: ['m', 'c3', 'c1'],
      },
      {
        name: 'plain and regex exclude paths',
        fields: { excludePaths: ['docs', 'regex:^src/'] },
        expected: ['m', 'c3', 'c1', 'c0'],
      },
      {
        name: 'a glob include path',
        fields: { includePaths: ['glob:apps/*/values.yaml'] },
        expected: ['c3', 'c1'],
      },
      {
        name: 'include and exclude together',
        fields: { includePaths: ['apps'], excludePaths: ['glob:**/*.md'] },
        expected: ['m', 'c3', 'c1'],
      },
      {
        name: 'no commit whose included changes are all excluded',
        fields: { includePaths: ['apps'], excludePaths: ['apps/b', 'glob:apps/c/**'] },
        expected: ['c1'],
      },
      {
        name: 'an expression over the subject',
        fields: { expressionFilter: '!(subject startsWith "[skip]")' },
        expected: ['m', 'c3', 'c2', 'c1', 'c0'],
      },
      {
        // As in Kargo, commitDate is a time (time.Time): compared with date(), or its methods.
        name: 'an expression over id, author, committer and date',
        fields: {
          expressionFilter: `author == "${AUTHOR}" && committer contains "cal@" && commitDate >= date("${iso(at(4))}") && commitDate.Year() > 2000 && id != "${'x'.repeat(40)}"`,
        },
        expected: ['c4', 'm', 'c3'],
      },
      { name: 'since', fields: { since: iso(at(4)) }, expected: ['c4', 'm', 'c3'] },
      { name: 'the discovery limit', fields: { discoveryLimit: 2 }, expected: ['c4', 'm'] },
      {
        name: 'the limit with filters reading further batches',
        fields: { discoveryLimit: 2, includePaths: ['apps/a', 'apps/b'] },
        expected: ['c3', 'c1'],
      },
    ];
    it.each(cases)('selects $name', async ({ fields, expected }) => {
      const result = await discoverCommits(
        subscription({ repoURL: branchRepo, ...fields }),
        undefined,
        contextWith(),
        cache,
      );
      expect(result.commits?.map((c) => named(c.id))).toEqual(expected);
    });

    it('describes each commit and the branch head it saw', async () => {
      const result = await discoverCommits(
        subscription({ repoURL: branchRepo, discoveryLimit: 1 }),
        undefined,
        contextWith(),
        cache,
        'app',
      );
      expect(result).toEqual({
        repoURL: branchRepo,
        subscriptionName: 'app',
        commits: [
          {
            id: ids.get('c4'),
            branch: 'main',
            subject: '[skip] tweak',
            author: AUTHOR,
            committer: COMMITTER,
            creatorDate: iso(at(6)),
          },
        ],
        observedRefs: { branchHead: ids.get('c4') },
      });
    });

    it('fails on a branch the repository does not have', async () => {
      const err = await discoverCommits(
        subscription({ repoURL: branchRepo, branch: 'env/nope' }),
        undefined,
        contextWith(),
        cache,
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).message).toBe(`branch env/nope not found in ${branchRepo}`);
      expect((err as DiscoveryError).transient).toBe(false);
    });
  });

  describe('tag strategies', () => {
    const cases: Array<{ name: string; fields: Record<string, unknown>; expected: string[] }> = [
      {
        name: 'NewestTag by creator date (tag date for annotated tags)',
        fields: { commitSelectionStrategy: 'NewestTag' },
        expected: ['1.2.0', 'v2.0.0', '1.10.0', 'nightly-2', 'alpha', '1.0.0'],
      },
      {
        name: 'Lexical by name',
        fields: { commitSelectionStrategy: 'Lexical' },
        expected: ['v2.0.0', 'nightly-2', 'alpha', '1.2.0', '1.10.0', '1.0.0'],
      },
      {
        name: 'SemVer with strict versions',
        fields: { commitSelectionStrategy: 'SemVer' },
        expected: ['v2.0.0', '1.10.0', '1.2.0', '1.0.0'],
      },
      {
        name: 'SemVer with lenient versions and a constraint',
        fields: {
          commitSelectionStrategy: 'SemVer',
          strictSemvers: false,
          semverConstraint: '>=1.2.0',
        },
        expected: ['v2.0.0', '1.10.0', '1.2.0'],
      },
      {
        name: 'allowed and ignored tags',
        fields: {
          commitSelectionStrategy: 'Lexical',
          allowTagsRegexes: ['^\\d'],
          ignoreTagsRegexes: ['^1\\.0'],
        },
        expected: ['1.2.0', '1.10.0'],
      },
      {
        name: 'tags by RE2 patterns, as Kargo (Go regexp)',
        fields: {
          commitSelectionStrategy: 'Lexical',
          allowTagsRegexes: ['(?i)^NIGHTLY-', '^v\\pN'],
        },
        expected: ['v2.0.0', 'nightly-2'],
      },
      {
        name: 'an expression over tag fields',
        fields: {
          commitSelectionStrategy: 'NewestTag',
          expressionFilter: 'tagger != "" && creatorDate.After(date("2001-01-01"))',
        },
        expected: ['1.2.0', 'v2.0.0'],
      },
      {
        name: 'an expression over the annotation and the commit',
        fields: {
          commitSelectionStrategy: 'NewestTag',
          expressionFilter: `annotation startsWith "Second" || (subject == "Third" && tag matches "^n")`,
        },
        expected: ['1.2.0', 'nightly-2'],
      },
      {
        name: 'paths changed by the tagged commits',
        fields: { commitSelectionStrategy: 'NewestTag', includePaths: ['apps'] },
        expected: ['v2.0.0', '1.10.0', 'nightly-2', '1.0.0'],
      },
      {
        name: 'paths with the limit',
        fields: { commitSelectionStrategy: 'NewestTag', excludePaths: ['docs'], discoveryLimit: 3 },
        expected: ['v2.0.0', '1.10.0', 'nightly-2'],
      },
      {
        name: 'nothing when no tag matches',
        fields: { commitSelectionStrategy: 'SemVer', semverConstraint: '^9' },
        expected: [],
      },
    ];
    it.each(cases)('selects $name', async ({ fields, expected }) => {
      const result = await discoverCommits(
        subscription({ repoURL: tagRepo, ...fields }),
        undefined,
        contextWith(),
        cache,
      );
      expect(result.commits?.map((c) => c.tag)).toEqual(expected);
    });

    it('resolves annotated and lightweight tags to their commits', async () => {
      const result = await discoverCommits(
        subscription({
          repoURL: tagRepo,
          commitSelectionStrategy: 'SemVer',
          allowTagsRegexes: ['^1\\.(0|2)\\.'],
        }),
        undefined,
        contextWith(),
        cache,
      );
      expect(result).toEqual({
        repoURL: tagRepo,
        commits: [
          {
            id: ids.get('t2'),
            tag: '1.2.0',
            subject: 'Second',
            author: AUTHOR,
            committer: COMMITTER,
            creatorDate: iso(at(9)),
          },
          {
            id: ids.get('t1'),
            tag: '1.0.0',
            subject: 'First',
            author: AUTHOR,
            committer: COMMITTER,
            creatorDate: iso(at(1)),
          },
        ],
        observedRefs: {
          tags: [
            { name: '1.0.0', id: ids.get('t1') },
            { name: '1.2.0', id: ids.get('t2') },
          ],
        },
      });
    });
  });

  it('rejects a tag pattern stored before admission required RE2, naming the field', async () => {
    const err = await discoverCommits(
      { ...subscription({ repoURL: branchRepo }), ignoreTagsRegexes: ['x', '(?<!v)1'] },
      undefined,
      contextWith(),
      cache,
      'app',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).transient).toBe(false);
    expect((err as DiscoveryError).message).toBe(
      `git subscription "app" (${branchRepo}): ignoreTagsRegexes[1]: invalid regular expression "(?<!v)1": invalid named capture: \`(?<!v)1\` (RE2 syntax is required, as in Kargo (Go regexp): no lookahead or lookbehind)`,
    );
  });

  it('rejects an expression that fails, naming the subscription', async () => {
    const failures: Array<[string, RegExp]> = [
      ['unknownName.field == 1', /column 13: cannot fetch field from <nil>/],
      ['subject', /must evaluate to a boolean, got "\[skip\] tweak"/],
      ['subject ==', /column \d+: /],
    ];
    for (const [expressionFilter, message] of failures) {
      const err = await discoverCommits(
        subscription({ repoURL: branchRepo, expressionFilter }),
        undefined,
        contextWith(),
        cache,
        'app',
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).transient).toBe(false);
      expect((err as DiscoveryError).message).toMatch(
        `git subscription "app" (${branchRepo}): expressionFilter ${JSON.stringify(expressionFilter)}: `,
      );
      expect((err as DiscoveryError).message).toMatch(message);
    }
  });

  it('does not fetch while the refs have not moved, and finds new commits once they have', async () => {
    const url = server.createRepo('moving', { 'a.txt': '1\n' });
    const work = workspace(server, 'moving', dir);
    const counting = new CountingCache(join(dir, 'moving-data'));
    const sub = subscription({ repoURL: url });
    const first = await discoverCommits(sub, undefined, contextWith(), counting);
    expect(counting.refreshes).toBe(1);

    // Without the mirror, any fetch would have to make it again.
    rmSync(counting.mirrorPath(url), { recursive: true, force: true });
    const again = await discoverCommits(sub, first, contextWith(undefined, true), counting);
    expect(again).toBe(first);
    expect(counting.refreshes).toBe(1);
    expect(existsSync(counting.mirrorPath(url))).toBe(false);

    // A result for another subscription is never taken for this one's.
    await discoverCommits(sub, { ...first, subscriptionName: 'other' }, contextWith(), counting);
    expect(counting.refreshes).toBe(2);

    const next = work.commit({ 'a.txt': '2\n' }, 'Two', at(1));
    work.push('main');
    const moved = await discoverCommits(sub, first, contextWith(), counting);
    expect(counting.refreshes).toBe(3);
    expect(moved.commits?.map((c) => c.id)).toEqual([next, first.commits?.[0]?.id]);
    expect(moved.observedRefs).toEqual({ branchHead: next });
  });

  it('does not fetch for tags the subscription ignores', async () => {
    const url = server.createRepo('released', { 'a.txt': '1\n' });
    const work = workspace(server, 'released', dir);
    work.tag('1.0.0', 'HEAD');
    work.push('--tags');
    const counting = new CountingCache(join(dir, 'released-data'));
    const sub = subscription({
      repoURL: url,
      commitSelectionStrategy: 'SemVer',
      ignoreTagsRegexes: ['-rc'],
    });
    const first = await discoverCommits(sub, undefined, contextWith(), counting);
    expect(first.commits?.map((c) => c.tag)).toEqual(['1.0.0']);

    work.tag('2.0.0-rc', 'HEAD');
    work.push('--tags');
    expect(await discoverCommits(sub, first, contextWith(), counting)).toBe(first);
    expect(counting.refreshes).toBe(1);

    work.commit({ 'a.txt': '2\n' }, 'Two', at(1));
    work.tag('2.0.0', 'HEAD', { message: 'Two', when: at(2) });
    work.push('main', '--tags');
    const moved = await discoverCommits(sub, first, contextWith(), counting);
    expect(counting.refreshes).toBe(2);
    expect(moved.commits?.map((c) => c.tag)).toEqual(['2.0.0', '1.0.0']);
  });

  it('finds nothing in an empty repository', async () => {
    const empty = join(server.root, 'repos', 'empty.git');
    execFileSync('git', ['init', '-q', '--bare', empty]);
    const result = await discoverCommits(
      subscription({ repoURL: `${server.url}/empty.git` }),
      undefined,
      contextWith(),
      cache,
    );
    expect(result).toEqual({ repoURL: `${server.url}/empty.git`, commits: [] });
  });

  it('uses the credentials for the repository and never repeats them', async () => {
    const url = secured.createRepo('private', { 'a.txt': '1\n' });
    const cache = new RepositoryCache(join(dir, 'private-data'));
    const sub = subscription({ repoURL: url });
    const err = await discoverCommits(
      sub,
      undefined,
      contextWith({ username: 'ci', password: 'wrong-password' }),
      cache,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).transient).toBe(false);
    expect((err as DiscoveryError).message).toMatch(/Authentication failed/);
    expect((err as DiscoveryError).message).not.toContain('wrong-password');

    const result = await discoverCommits(
      sub,
      undefined,
      contextWith({ username: 'ci', password: 's3cret-token' }),
      cache,
    );
    expect(result.commits).toHaveLength(1);
  });
});
