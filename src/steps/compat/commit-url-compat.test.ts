import { describe, expect, it } from 'vitest';
import { commitUrlFor } from '../commit-url.js';
import { commitUrlCases } from './commit-url.cases.js';

describe("git-push's commitURL as Kargo's git providers build it", () => {
  for (const c of commitUrlCases)
    it(c.upstream, () => {
      expect(commitUrlFor(c.repoURL, 'sha', c.provider)).toBe(c.commitURL);
    });
});
