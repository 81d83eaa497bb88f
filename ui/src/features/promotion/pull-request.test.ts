import { describe, expect, it } from 'vitest';
import { pullRequestOf, pullRequestTone } from './pull-request.js';

describe('pullRequestOf', () => {
  const url = 'https://gitlab.example.com/acme/gitops/-/merge_requests/3';
  it('reads the waiting step over the opening one', () => {
    const view = pullRequestOf({
      'open-pr': { pr: { id: 3, url } },
      'wait-for-pr': { pr: { id: 3, url, open: true, merged: false } },
    });
    expect(view).toEqual({ url, number: 3, state: 'open' });
    expect(pullRequestTone(view!.state)).toBe('busy');
  });
  it('says merged and closed', () => {
    expect(pullRequestOf({ w: { pr: { id: 3, url, open: false, merged: true } } })?.state).toBe(
      'merged',
    );
    expect(pullRequestTone('closed')).toBe('bad');
  });
  it('shows no link that is not a web address (a plan, a javascript: URL)', () => {
    expect(pullRequestOf({ p: { pr: { id: 0, url: '' } } })).toBeUndefined();
    expect(pullRequestOf({ p: { pr: { id: 1, url: 'javascript:alert(1)' } } })).toBeUndefined();
  });
});
