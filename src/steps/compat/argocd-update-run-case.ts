import { expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import type { Application } from '../../integrations/argocd/application.js';
import { argoCdInstances, type ArgoCdClient } from '../../integrations/argocd/argocd-client.js';
import { argocdUpdateStep } from '../argocd-update.js';

/**
 * One case of Kargo's argocd_updater_test.go about what argocd-update does at one look at an
 * Application (mustPerformUpdate, processApplication, getAuthorizedApplications): sync it,
 * wait, be done, or fail. The step runs once, as Promotion `fake-promotion` of Stage
 * `demo:dev`, against a hand-written client holding the apps and recording what it is asked.
 */
export type ArgoCdUpdateRunCase =
  | {
      upstream: string;
      /** The Applications (namespace fake-namespace); authorized for demo:dev unless annotations say otherwise. */
      apps: Array<Partial<Application> & { metadata: Application['metadata'] }>;
      /** The step's `apps` config. */
      config: unknown[];
      /** sync: a sync is started (the step then waits); wait: nothing changes; done: Succeeded. */
      expect: 'sync' | 'wait' | 'done' | { error: string; terminal?: boolean };
      /** The apps synced, when `expect` is sync. */
      synced?: string[];
    }
  | { upstream: string; notRun: string };

export const AUTHORIZED = { 'kargo.akuity.io/authorized-stage': 'demo:dev' };

function recordingClient(apps: Application[], synced: string[]): ArgoCdClient {
  const find = (name: string, namespace: string) =>
    apps.find((a) => a.metadata.name === name && (a.metadata.namespace ?? '') === namespace);
  return {
    instance: 'default',
    defaultNamespace: 'fake-namespace',
    getApplication: (name, namespace) => {
      const app = find(name, namespace);
      return app
        ? Promise.resolve(structuredClone(app))
        : Promise.reject(new Error(`unable to find Argo CD Application "${name}"`));
    },
    listApplications: (selector, namespace) =>
      Promise.resolve(
        structuredClone(
          apps.filter(
            (a) =>
              (a.metadata.namespace ?? '') === namespace &&
              Object.entries(selector.matchLabels ?? {}).every(
                ([k, v]) => a.metadata.labels?.[k] === v,
              ),
          ),
        ),
      ),
    updateSources: (app) => Promise.resolve(app),
    sync: (app) => {
      synced.push(app.metadata.name);
      return Promise.resolve(app);
    },
    appUrl: () => undefined,
    close: () => {},
  };
}

/** Registers one vitest case per table row. */
export function runArgoCdUpdateRunCases(cases: readonly ArgoCdUpdateRunCase[]): void {
  for (const c of cases) {
    if ('notRun' in c) {
      it(`${c.upstream} — not run here: ${c.notRun}`, () =>
        expect(c.notRun.length).toBeGreaterThan(10));
      continue;
    }
    it(c.upstream, async () => {
      const apps = c.apps.map((app): Application => ({
        spec: {},
        ...app,
        metadata: { namespace: 'fake-namespace', annotations: AUTHORIZED, ...app.metadata },
      }));
      const synced: string[] = [];
      const harness = createStepHarness({
        argocd: argoCdInstances([recordingClient(apps, synced)]),
      });
      try {
        const run = harness.run(
          argocdUpdateStep,
          { apps: c.config },
          { promotion: 'fake-promotion' },
        );
        if (typeof c.expect === 'object') {
          const err = await stepError(run);
          expect(err.message).toContain(c.expect.error);
          if (c.expect.terminal !== undefined) expect(err.terminal).toBe(c.expect.terminal);
          expect(synced).toEqual(c.synced ?? []);
          return;
        }
        const outcome = await run;
        if (c.expect === 'done') {
          expect(outcome.status, outcome.message).toBe('Succeeded');
          expect(synced).toEqual([]);
        } else {
          expect(outcome.status, outcome.message).toBe('Running');
          if (c.expect === 'wait') expect(synced).toEqual([]);
          else expect(synced).toEqual(c.synced ?? apps.map((app) => app.metadata.name));
        }
      } finally {
        harness.cleanup();
      }
    });
  }
}
