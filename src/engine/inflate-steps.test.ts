import { describe, expect, it } from 'vitest';
import type { PromotionTaskSpec } from '../api/promotion-task.js';
import { isGantryError } from '../errors.js';
import { inflateSteps } from './inflate-steps.js';

const tasks: Record<string, PromotionTaskSpec> = {
  promote: {
    vars: [
      { name: 'gitopsRepo', value: 'https://git.example.com/gitops.git' },
      { name: 'envDir' },
      { name: 'branch', value: 'main' },
    ],
    steps: [
      { uses: 'git-clone', config: { repoURL: '${{ vars.gitopsRepo }}' } },
      { uses: 'git-commit', as: 'commit', vars: [{ name: 'inner', value: '1' }] },
    ],
  },
};
const lookup = ({ name }: { name: string }) => tasks[name];

describe('inflateSteps', () => {
  it('copies vars and plain steps, naming unnamed steps', () => {
    const result = inflateSteps(
      [{ name: 'a', value: '1' }],
      {
        vars: [{ name: 'b', value: '2' }],
        steps: [{ uses: 'fail' }, { uses: 'fail', as: 'named' }],
      },
      lookup,
    );
    expect(result).toEqual({
      vars: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ],
      steps: [
        { uses: 'fail', as: 'step-1' },
        { uses: 'fail', as: 'named' },
      ],
    });
  });

  it('inflates tasks with namespaced aliases and var precedence', () => {
    const result = inflateSteps(
      [{ name: 'branch', value: 'release' }],
      {
        steps: [
          {
            task: { name: 'promote', kind: 'PromotionTask' },
            as: 'promote',
            vars: [{ name: 'envDir', value: 'develop' }],
          },
        ],
      },
      lookup,
    );
    expect(result.steps).toEqual([
      {
        uses: 'git-clone',
        config: { repoURL: '${{ vars.gitopsRepo }}' },
        as: 'promote::step-1',
        // branch's default is dropped: the promotion sets it.
        vars: [
          { name: 'gitopsRepo', value: 'https://git.example.com/gitops.git' },
          { name: 'envDir', value: 'develop' },
        ],
      },
      {
        uses: 'git-commit',
        as: 'promote::commit',
        vars: [
          { name: 'gitopsRepo', value: 'https://git.example.com/gitops.git' },
          { name: 'envDir', value: 'develop' },
          { name: 'inner', value: '1' },
        ],
      },
    ]);
    const unnamed = inflateSteps(
      [],
      {
        steps: [
          { uses: 'fail' },
          {
            task: { name: 'promote', kind: 'PromotionTask' },
            vars: [{ name: 'envDir', value: 'x' }],
          },
        ],
      },
      lookup,
    );
    expect(unnamed.steps.map((s) => s.as)).toEqual(['step-1', 'task-2::step-1', 'task-2::commit']);
  });

  it('refuses a missing required var and a missing task', () => {
    const missing = (() => {
      try {
        inflateSteps(
          [],
          { steps: [{ task: { name: 'promote', kind: 'PromotionTask' }, as: 'p' }] },
          lookup,
        );
      } catch (err) {
        return err;
      }
    })();
    expect(isGantryError(missing, 'Invalid')).toBe(true);
    expect((missing as Error).message).toBe(
      'step p: missing value for variable "envDir" required by PromotionTask "promote"',
    );
    expect(() =>
      inflateSteps(
        [],
        { steps: [{ task: { name: 'ghost', kind: 'ClusterPromotionTask' } }] },
        lookup,
      ),
    ).toThrow('step task-1: ClusterPromotionTask "ghost" not found');
    // A promotion-level var satisfies the requirement.
    expect(
      inflateSteps(
        [{ name: 'envDir', value: 'y' }],
        { steps: [{ task: { name: 'promote', kind: 'PromotionTask' } }] },
        lookup,
      ).steps,
    ).toHaveLength(2);
  });
});
