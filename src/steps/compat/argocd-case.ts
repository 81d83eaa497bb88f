import { expect, it } from 'vitest';
import {
  authorizedFor,
  type Application,
  type ApplicationSource,
} from '../../integrations/argocd/application.js';
import { labelSelectorProblem } from '../argocd-apps.js';
import { planSourceUpdates, sourceUpdateSchema } from '../argocd-source-updates.js';

/**
 * Cases of Kargo's argocd_updater_test.go, argocd_revisions_test.go and argocd_common_test.go
 * whose inputs and results are data: what argocd-update does to an Application's sources, the
 * revisions it then expects, whether the authorized-stage annotation lets the Stage in, and
 * which label selectors the step refuses when it runs. The cases that exercise Kargo's
 * Kubernetes client and its call sequence are listed with the reason they are not run here.
 */
export type ArgoCdCase =
  | {
      upstream: string;
      /** The Application's sources (spec.sources; spec.source when `single`). */
      sources: ApplicationSource[];
      single?: boolean;
      /** The `apps[].sources` entries of the config. */
      updates: unknown[];
      /** The sources after the update. */
      expectSources?: ApplicationSource[];
      /** The revision each source must then be synced to ('' for any). */
      expectRevisions?: string[];
      /** The update fails; the message contains this. */
      error?: string;
    }
  | {
      upstream: string;
      /** The Application's annotations (undefined: none at all). */
      annotations: Record<string, string> | undefined;
      /** The Stage is `ns-yep:name-yep`; authorized, or refused with this text in the message. */
      refused?: string;
    }
  | {
      upstream: string;
      selector: {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
      };
      /** Refused when the step runs (or by the config's schema: `schema`). */
      refused: false | 'run' | 'schema';
    }
  | { upstream: string; notRun: string };

const application = (
  sources: ApplicationSource[],
  single: boolean,
  annotations?: Record<string, string>,
): Application => ({
  metadata: { name: 'fake-app', namespace: 'fake-namespace', ...(annotations && { annotations }) },
  spec: single ? { source: sources[0] } : { sources },
});

/** Registers one vitest case per table row. */
export function runArgoCdCases(
  cases: readonly ArgoCdCase[],
  checkSelectorConfig: (selector: unknown) => void,
): void {
  for (const c of cases) {
    if ('notRun' in c) {
      it(`${c.upstream} — not run here: ${c.notRun}`, () =>
        expect(c.notRun.length).toBeGreaterThan(10));
      continue;
    }
    it(c.upstream, () => {
      if ('sources' in c) {
        const app = application(c.sources, c.single ?? false);
        const updates = c.updates.map((update) => sourceUpdateSchema.parse(update));
        if (c.error !== undefined) {
          expect(() => planSourceUpdates(app, updates)).toThrow(c.error);
          return;
        }
        const plan = planSourceUpdates(app, updates);
        if (c.expectSources) expect(plan.sources).toEqual(c.expectSources);
        if (c.expectRevisions) expect(plan.desiredRevisions).toEqual(c.expectRevisions);
        return;
      }
      if ('annotations' in c) {
        const result = authorizedFor(application([], true, c.annotations), 'ns-yep', 'name-yep');
        if (c.refused === undefined) expect(result).toEqual({ authorized: true });
        else {
          expect(result.authorized).toBe(false);
          expect(result.authorized ? '' : result.message).toContain(c.refused);
        }
        return;
      }
      if (c.refused === 'schema') {
        expect(() => checkSelectorConfig(c.selector)).toThrow();
        return;
      }
      expect(() => checkSelectorConfig(c.selector)).not.toThrow();
      const problem = labelSelectorProblem(
        c.selector as Parameters<typeof labelSelectorProblem>[0],
      );
      if (c.refused === 'run') expect(problem).toBeDefined();
      else expect(problem).toBeUndefined();
    });
  }
}
