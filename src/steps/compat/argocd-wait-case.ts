import { expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { appKey, type Application } from '../../integrations/argocd/application.js';
import { argoCdInstances, type ArgoCdClient } from '../../integrations/argocd/argocd-client.js';
import { argocdWaitStep } from '../argocd-wait.js';

/**
 * One case of Kargo's argocd_waiter_test.go whose inputs are Applications as data: the step
 * looks once at the apps (through a hand-written client that only reads) and is ready
 * (Succeeded), still waiting (Running), or fails for good.
 */
export type ArgoCdWaitCase =
  | {
      upstream: string;
      /** The Applications, in namespace argocd; each is one `apps[]` entry by name. */
      apps: Array<{
        name: string;
        operation?: Application['operation'];
        status?: Application['status'];
      }>;
      waitFor?: string[];
      /** The health the step saw at its previous look at the first app. */
      before?: string;
      expect: 'ready' | 'waiting' | { terminal: string };
    }
  | { upstream: string; notRun: string };

function readOnlyClient(apps: Application[]): ArgoCdClient {
  const refuse = () => Promise.reject(new Error('argocd-wait must not change anything'));
  return {
    instance: 'default',
    defaultNamespace: 'argocd',
    getApplication: (name, namespace) => {
      const app = apps.find((a) => a.metadata.name === name && a.metadata.namespace === namespace);
      return app ? Promise.resolve(structuredClone(app)) : Promise.reject(new Error(`no ${name}`));
    },
    listApplications: () => Promise.resolve(structuredClone(apps)),
    updateSources: refuse,
    sync: refuse,
    appUrl: () => undefined,
    close: () => {},
  };
}

/** Registers one vitest case per table row. */
export function runArgoCdWaitCases(cases: readonly ArgoCdWaitCase[]): void {
  for (const c of cases) {
    if ('notRun' in c) {
      it(`${c.upstream} — not run here: ${c.notRun}`, () =>
        expect(c.notRun.length).toBeGreaterThan(10));
      continue;
    }
    it(c.upstream, async () => {
      const apps: Application[] = c.apps.map((app) => ({
        metadata: { name: app.name, namespace: 'argocd' },
        spec: { source: { repoURL: 'https://git.example/repo.git' } },
        ...(app.operation && { operation: app.operation }),
        ...(app.status && { status: app.status }),
      }));
      const harness = createStepHarness({ argocd: argoCdInstances([readOnlyClient(apps)]) });
      try {
        const config = {
          apps: c.apps.map((app) => ({ name: app.name, ...(c.waitFor && { waitFor: c.waitFor }) })),
        };
        const memo =
          c.before === undefined
            ? undefined
            : { polls: 1, health: { [`default:${appKey(apps[0]!)}`]: c.before } };
        const run = harness.run(argocdWaitStep, config, memo ? { memo } : {});
        if (typeof c.expect === 'object') {
          const err = await stepError(run);
          expect(err.terminal).toBe(true);
          expect(err.message).toContain(c.expect.terminal);
          return;
        }
        const outcome = await run;
        expect(outcome.status, outcome.message).toBe(
          c.expect === 'ready' ? 'Succeeded' : 'Running',
        );
      } finally {
        harness.cleanup();
      }
    });
  }
}
