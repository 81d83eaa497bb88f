/**
 * The pull request a Promotion opened or waits on, read from its step outputs (git-open-pr's
 * `pr.id`/`pr.url`, git-wait-for-pr's `pr.open`/`pr.merged`, recorded while it waits): what
 * `gantry get promotion` and the UI show. The last step's view wins.
 */
export interface PromotionPullRequest {
  url: string;
  number: number;
  state: 'open' | 'merged' | 'closed' | 'opened';
}

export function promotionPullRequest(status: unknown): PromotionPullRequest | undefined {
  const state = (status as { state?: Record<string, unknown> } | undefined)?.state;
  let found: PromotionPullRequest | undefined;
  for (const output of Object.values(state ?? {})) {
    const pr = (output as { pr?: Record<string, unknown> } | null | undefined)?.pr;
    if (!pr || typeof pr.url !== 'string' || !/^https?:\/\//.test(pr.url)) continue;
    const known = typeof pr.open === 'boolean' || typeof pr.merged === 'boolean';
    found = {
      url: pr.url,
      number: typeof pr.id === 'number' ? pr.id : 0,
      state: !known ? 'opened' : pr.merged ? 'merged' : pr.open ? 'open' : 'closed',
    };
  }
  return found;
}
