import { compileUserRegex } from '../../api/user-regex.js';
import type { GitSubscription } from '../../api/warehouse.js';
import { isGantryError } from '../../errors.js';
import { redact } from '../../git/credentials.js';
import { RepositoryCache, type RemoteRefs } from '../../git/repository-cache.js';
import { DiscoveryError, type DiscoveredCommits, type DiscoveryContext } from '../discovery.js';
import type { LoggedCommit } from './commit-log.js';
import { parseGoTime } from '../../expr/time-values.js';
import { ExpressionFilter } from './expression-filter.js';
import { orderTags } from './order-tags.js';
import type { MirrorWants } from './mirror-sync.js';
import { PathSelector } from './path-selector.js';
import { SharedGitSource } from './shared-git-source.js';
import { readTags, type TagInfo } from './tag-list.js';

type DiscoveredCommit = NonNullable<DiscoveredCommits['commits']>[number];
type ObservedRefs = NonNullable<DiscoveredCommits['observedRefs']>;

/** The most tags whose commits one `git log` reads while path filters keep rejecting them. */
const MAX_BATCH = 1000;
/** Kargo keeps subjects to 80 characters in the status (the 50/72 rule, generously). */
const MAX_SUBJECT = 80;

/**
 * Discovers the candidates of one git subscription, best first, as Kargo's commit selectors
 * do (`pkg/controller/git/commit`), against Gantry's shared mirror of the repository.
 *
 * One `git ls-remote` comes first (shared with the subscriptions that ask at the same time,
 * see SharedGitSource). Its refs are the truth for git: when they are the ones observed last
 * time (the branch head, or the allowed tags and their commits), `previous` is returned as it
 * is and nothing is fetched, even for an explicit refresh (`context.revalidate`). The caller
 * passes no `previous` when the subscription itself changed, since unchanged refs say nothing
 * about changed filters. Otherwise the mirror is fetched if it lacks what ls-remote showed
 * (one fetch per repository for every subscription waiting on it) and the candidates are
 * picked from the branch's history walk, read once per head for every subscription.
 *
 * `git` is the server's SharedGitSource; a bare RepositoryCache shares nothing beyond the
 * mirror between calls (same results, more git processes).
 *
 * Throws a DiscoveryError: terminal for a missing branch, a bad filter or a refused
 * credential; transient for network trouble. No matching tag is not an error: the result
 * has an empty `commits` list.
 */
export async function discoverCommits(
  subscription: GitSubscription & { name?: string | undefined },
  previous: DiscoveredCommits | undefined,
  context: DiscoveryContext,
  git: SharedGitSource | RepositoryCache,
  subscriptionName: string | undefined = subscription.name,
): Promise<DiscoveredCommits> {
  const shared = git instanceof RepositoryCache ? new SharedGitSource(git) : git;
  const url = subscription.repoURL;
  const label = subscriptionName
    ? `git subscription "${subscriptionName}" (${redact(url)})`
    : `git subscription ${redact(url)}`;
  const filters = compileFilters(subscription, label);
  const credentials = await context.credentialsFor('git', url);
  const insecure = subscription.insecureSkipTLSVerify;
  const remote = await gitStep(
    () => shared.lsRemote(url, credentials, context.signal, insecure),
    context.signal,
  );
  const base: DiscoveredCommits = {
    repoURL: url,
    ...(subscriptionName ? { subscriptionName } : {}),
  };

  const strategy = subscription.commitSelectionStrategy;
  let observedRefs: ObservedRefs;
  let wants: MirrorWants;
  let select: (mirror: string) => Promise<DiscoveredCommit[]>;
  if (strategy === 'NewestFromBranch') {
    const branch = subscription.branch ?? remote.head;
    const head = branch === undefined ? undefined : remote.branches.get(branch);
    if (branch === undefined || head === undefined) {
      // An empty repository has nothing to offer yet, which is not a failure.
      if (subscription.branch === undefined && remote.branches.size === 0)
        return { ...base, commits: [] };
      throw new DiscoveryError(
        branch === undefined
          ? `${redact(url)} names no default branch: set branch in the subscription`
          : `branch ${branch} not found in ${redact(url)}`,
        false,
      );
    }
    observedRefs = { branchHead: head };
    wants = { commits: [head] };
    select = (mirror) =>
      branchCandidates(shared, mirror, branch, head, subscription, filters, label, context.signal);
  } else {
    const tags = allowedTags(remote, filters.tagAllowed);
    observedRefs = { tags };
    wants = { tags };
    select = (mirror) =>
      tagCandidates(shared, mirror, strategy, subscription, filters, label, context.signal);
  }

  if (previous && unchanged(previous, base, observedRefs)) return previous;

  const mirror = await gitStep(
    () => shared.mirror(url, wants, credentials, context.signal, insecure),
    context.signal,
  );
  return { ...base, commits: await select(mirror), observedRefs };
}

interface Filters {
  paths: PathSelector;
  expression: ExpressionFilter | undefined;
  tagAllowed: (tag: string) => boolean;
}

/** Everything the subscription asks to filter by, checked before anything is fetched. */
function compileFilters(subscription: GitSubscription, label: string): Filters {
  const invalid = (what: string, err: unknown) =>
    new DiscoveryError(`${label}: ${what}: ${(err as Error).message}`, false, { cause: err });
  let paths: PathSelector;
  try {
    paths = new PathSelector(subscription.includePaths, subscription.excludePaths);
  } catch (err) {
    throw invalid('invalid path selector', err);
  }
  let expression: ExpressionFilter | undefined;
  if (subscription.expressionFilter?.trim()) {
    try {
      expression = new ExpressionFilter(subscription.expressionFilter);
    } catch (err) {
      throw invalid(`expressionFilter ${JSON.stringify(subscription.expressionFilter)}`, err);
    }
  }
  // RE2, as Kargo's Go regexp: linear in each tag, whatever the pattern.
  const regexes = (field: 'allowTagsRegexes' | 'ignoreTagsRegexes') =>
    (subscription[field] ?? []).map((pattern, index) => {
      try {
        return compileUserRegex(pattern);
      } catch (err) {
        throw invalid(`${field}[${index}]`, err);
      }
    });
  const allow = regexes('allowTagsRegexes');
  const ignore = regexes('ignoreTagsRegexes');
  return {
    paths,
    expression,
    tagAllowed: (tag) =>
      !ignore.some((r) => r.test(tag)) && (allow.length === 0 || allow.some((r) => r.test(tag))),
  };
}

/** The tags the subscription may pick from, by name, with the commits they resolve to. */
function allowedTags(remote: RemoteRefs, allowed: (tag: string) => boolean) {
  return [...remote.tags]
    .filter(([name]) => allowed(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, id]) => ({ name, id }));
}

/**
 * Whether `previous` is still the answer: same repository and subscription (a result that
 * belongs to another subscription is never reused), a discovery that completed, and the same
 * refs. A previous result without observed refs never matches.
 */
function unchanged(
  previous: DiscoveredCommits,
  base: DiscoveredCommits,
  refs: ObservedRefs,
): boolean {
  const seen = previous.observedRefs;
  if (!seen || previous.commits === undefined) return false;
  if (previous.repoURL !== base.repoURL || previous.subscriptionName !== base.subscriptionName)
    return false;
  if (seen.branchHead !== refs.branchHead) return false;
  if ((seen.tags === undefined) !== (refs.tags === undefined)) return false;
  const before = seen.tags ?? [];
  const now = refs.tags ?? [];
  return (
    before.length === now.length &&
    before.every((tag, i) => tag.name === now[i]?.name && tag.id === now[i]?.id)
  );
}

/**
 * NewestFromBranch: the first-parent history of the head ls-remote saw, newest first, read
 * from the walk every subscription of the repository shares, as far as this one's filters
 * need (Kargo pages with `git log --skip`; the commits and their order are the same). `since`
 * ends the history at the first commit older than it, as `git log --since` does on a
 * first-parent walk.
 */
async function branchCandidates(
  shared: SharedGitSource,
  mirror: string,
  branch: string,
  head: string,
  subscription: GitSubscription,
  filters: Filters,
  label: string,
  signal: AbortSignal,
): Promise<DiscoveredCommit[]> {
  const limit = subscription.discoveryLimit;
  const since = subscription.since ? Math.floor(Date.parse(subscription.since) / 1000) : undefined;
  const chain = shared.history.chain(mirror, head);
  const selected: LoggedCommit[] = [];
  for (let index = 0; selected.length < limit; index++) {
    const commit =
      chain.at(index) ??
      (await gitStep(
        () => chain.load(index, signal),
        signal,
        `branch ${branch} of ${redact(subscription.repoURL)} moved while it was fetched (${head} is gone)`,
      ));
    if (!commit) break;
    if (since !== undefined && Date.parse(commit.commitDate) / 1000 < since) break;
    const keep =
      accepts(filters.expression, label, () => ({
        id: commit.id,
        commitDate: goTimeOf(commit.commitDate),
        author: commit.author,
        committer: commit.committer,
        subject: commit.subject,
      })) && filters.paths.selects(commit.paths);
    if (keep) selected.push(commit);
  }
  return selected.map((commit) => ({
    id: commit.id,
    branch,
    subject: shorten(commit.subject),
    author: commit.author,
    committer: commit.committer,
    creatorDate: commit.commitDate,
  }));
}

/**
 * The tag strategies: the mirror's tags, allowed by the regexes, ranked by the strategy, kept
 * by the expression, then by the paths their commits changed (read in batches, only as far
 * as the limit needs).
 */
async function tagCandidates(
  shared: SharedGitSource,
  mirror: string,
  strategy: Exclude<GitSubscription['commitSelectionStrategy'], 'NewestFromBranch'>,
  subscription: GitSubscription,
  filters: Filters,
  label: string,
  signal: AbortSignal,
): Promise<DiscoveredCommit[]> {
  const limit = subscription.discoveryLimit;
  const tags = (await gitStep(() => readTags(mirror, signal), signal)).filter((t) =>
    filters.tagAllowed(t.tag),
  );
  let ranked: TagInfo[];
  try {
    ranked = orderTags(tags, strategy, subscription);
  } catch (err) {
    throw new DiscoveryError(`${label}: semverConstraint: ${(err as Error).message}`, false, {
      cause: err,
    });
  }
  const candidates = ranked.filter((tag) =>
    accepts(filters.expression, label, () => ({
      tag: tag.tag,
      id: tag.id,
      creatorDate: goTimeOf(tag.creatorDate),
      commitDate: goTimeOf(tag.commitDate),
      author: tag.author,
      committer: tag.committer,
      subject: tag.subject,
      tagger: tag.tagger,
      annotation: tag.annotation,
    })),
  );
  let selected = candidates.slice(0, limit);
  if (!filters.paths.selectsAll) {
    selected = [];
    const changed = new Map<string, string[]>();
    for (let start = 0, batch = limit; start < candidates.length && selected.length < limit;) {
      const slice = candidates.slice(start, start + batch);
      const unknown = [...new Set(slice.map((t) => t.id))].filter((id) => !changed.has(id));
      if (unknown.length > 0) {
        const logged = await gitStep(() => shared.history.commits(mirror, unknown, signal), signal);
        for (const commit of logged.values()) changed.set(commit.id, commit.paths);
      }
      for (const tag of slice) {
        if (selected.length < limit && filters.paths.selects(changed.get(tag.id) ?? []))
          selected.push(tag);
      }
      start += batch;
      batch = Math.min(batch * 2, MAX_BATCH);
    }
  }
  return selected.map((tag) => ({
    id: tag.id,
    tag: tag.tag,
    subject: shorten(tag.subject),
    author: tag.author,
    committer: tag.committer,
    creatorDate: tag.creatorDate,
  }));
}

/** A date as the time.Time Kargo's expressions see (`commitDate.After(date("2024-01-01"))`). */
function goTimeOf(rfc3339: string | undefined): unknown {
  if (!rfc3339) return null;
  try {
    return parseGoTime(rfc3339, RFC3339);
  } catch {
    return rfc3339;
  }
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';

/** Whether the expression keeps a candidate; its variables are made only when there is one. */
function accepts(
  filter: ExpressionFilter | undefined,
  label: string,
  variables: () => Record<string, unknown>,
): boolean {
  if (!filter) return true;
  try {
    return filter.accepts(variables());
  } catch (err) {
    throw new DiscoveryError(
      `${label}: expressionFilter ${JSON.stringify(filter.source)}: ${(err as Error).message}`,
      false,
      { cause: err },
    );
  }
}

function shorten(subject: string): string {
  return subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 3)}...` : subject;
}

/**
 * Runs a git operation, turning its failure into a DiscoveryError with git's message (already
 * free of secrets) and its transient flag. `missingRevision`, when given, replaces git's
 * message for an unknown revision (a head force-pushed away between ls-remote and the fetch;
 * transient: the next discovery sees the new head). A
 * cancelled discovery ends with the signal's reason, not as a failure of the repository.
 */
async function gitStep<T>(
  run: () => Promise<T>,
  signal: AbortSignal,
  missingRevision?: string,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (!isGitError(err)) throw err;
    if (
      missingRevision &&
      !err.transient &&
      /unknown revision|bad revision|bad object|ambiguous argument/.test(err.message)
    )
      throw new DiscoveryError(missingRevision, true, { cause: err });
    throw new DiscoveryError(err.message, err.transient, { cause: err });
  }
}

/** A GitError, recognised by shape: a GantryError that says whether it is transient. */
function isGitError(err: unknown): err is Error & { transient: boolean } {
  return isGantryError(err) && typeof (err as { transient?: unknown }).transient === 'boolean';
}
