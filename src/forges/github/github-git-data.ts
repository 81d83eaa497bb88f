import { Octokit } from '@octokit/rest';
import type {
  CommitComparison,
  ForgeOptions,
  GitHubGitData,
  GitIdentity,
  NewGitHubCommit,
} from '../forge.js';
import { parseGitHubRepo, toForgeError } from './github-forge.js';
import { insecureFetch } from '../insecure-fetch.js';

interface ApiIdentity {
  name?: string | undefined;
  email?: string | undefined;
  date?: string | undefined;
}

/**
 * GitHub's git database API through Octokit, for github-push: the calls Kargo's github_pusher.go
 * makes (GetRef, CompareCommits, CreateCommit, CreateRef, UpdateRef, DeleteRef), with the API
 * address GitHubForge uses (api.github.com, or https://host/api/v3 for GitHub Enterprise).
 */
export class GitHubGitDataClient implements GitHubGitData {
  readonly owner: string;
  readonly repo: string;
  readonly #octokit: Octokit;

  constructor(options: ForgeOptions) {
    const { host, owner, repo } = parseGitHubRepo(options.repoURL);
    this.owner = owner;
    this.repo = repo;
    this.#octokit = new Octokit({
      auth: options.token || undefined,
      baseUrl:
        options.apiBaseUrl ??
        (host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`),
      request: {
        fetch: options.fetch ?? (options.insecureSkipTLSVerify ? insecureFetch : globalThis.fetch),
      },
      userAgent: 'gantry',
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  async getRef(ref: string): Promise<string> {
    const answer = await call(() =>
      this.#octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref }),
    );
    return answer.object.sha;
  }

  async compareCommits(base: string, head: string): Promise<CommitComparison> {
    // Kargo asks for 250 commits a page and reads the first page only.
    const answer = await call(() =>
      this.#octokit.rest.repos.compareCommitsWithBasehead({
        owner: this.owner,
        repo: this.repo,
        basehead: `${base}...${head}`,
        per_page: 250,
      }),
    );
    return {
      status: answer.status,
      mergeBase: answer.merge_base_commit.sha,
      commits: answer.commits.map((c) => ({
        sha: c.sha,
        tree: c.commit.tree?.sha || undefined,
        message: c.commit.message,
        author: identity(c.commit.author),
        committer: identity(c.commit.committer),
        parents: c.parents.map((p) => p.sha),
      })),
    };
  }

  async createCommit(commit: NewGitHubCommit): Promise<string> {
    const created = await call(() =>
      this.#octokit.rest.git.createCommit({
        owner: this.owner,
        repo: this.repo,
        message: commit.message,
        tree: commit.tree,
        parents: commit.parents,
        ...(commit.author ? { author: commit.author } : {}),
        ...(commit.committer ? { committer: commit.committer } : {}),
      }),
    );
    return created.sha;
  }

  async createRef(ref: string, sha: string): Promise<void> {
    await call(() =>
      this.#octokit.rest.git.createRef({
        owner: this.owner,
        repo: this.repo,
        ref: `refs/${ref}`,
        sha,
      }),
    );
  }

  async updateRef(ref: string, sha: string, force: boolean): Promise<void> {
    await call(() =>
      this.#octokit.rest.git.updateRef({ owner: this.owner, repo: this.repo, ref, sha, force }),
    );
  }

  async deleteRef(ref: string): Promise<void> {
    await call(() => this.#octokit.rest.git.deleteRef({ owner: this.owner, repo: this.repo, ref }));
  }
}

async function call<T>(request: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await request()).data;
  } catch (err) {
    throw toForgeError(err);
  }
}

function identity(value: ApiIdentity | null | undefined): GitIdentity | undefined {
  if (!value?.name || !value.email) return undefined;
  return { name: value.name, email: value.email, ...(value.date ? { date: value.date } : {}) };
}
