import type { Tone } from '../../components/badge.js';

/**
 * The pull request a Promotion opened or waits on, from its step outputs (git-open-pr's
 * `pr.id`/`pr.url`, git-wait-for-pr's `pr.open`/`pr.merged` recorded while it waits); the
 * last step's view wins. The same reading as the server's PULL REQUEST column.
 */
export interface PullRequestView {
  url: string;
  number: number;
  state: 'open' | 'merged' | 'closed' | 'opened';
}

export function pullRequestOf(outputs: Record<string, unknown>): PullRequestView | undefined {
  let found: PullRequestView | undefined;
  for (const output of Object.values(outputs)) {
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

export function pullRequestTone(state: PullRequestView['state']): Tone {
  return state === 'merged' ? 'good' : state === 'closed' ? 'bad' : 'busy';
}
