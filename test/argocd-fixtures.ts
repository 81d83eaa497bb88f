import { isArgoCdError, type ArgoCdError } from '../src/integrations/argocd/argocd-error.js';
import type { FakeApplication } from './fake-argocd.js';

/**
 * The frontend's Application for one environment, as the Argo CD tests use it: synced and
 * healthy at `v1`, from a git host the fake does not resolve. With `authorizedProject`, it
 * authorizes Stage `<project>:<env>`.
 */
export function frontendApp(
  name: string,
  env: string,
  options: { namespace?: string; authorizedProject?: string } = {},
): FakeApplication {
  return {
    metadata: {
      name,
      namespace: options.namespace ?? 'argocd',
      labels: { app: 'frontend', env },
      ...(options.authorizedProject === undefined
        ? {}
        : {
            annotations: {
              'kargo.akuity.io/authorized-stage': `${options.authorizedProject}:${env}`,
            },
          }),
    },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: env },
      source: {
        repoURL: 'https://git.example/frontend.git',
        targetRevision: 'v1',
        path: `envs/${env}`,
      },
    },
    status: { sync: { status: 'Synced', revision: 'v1' }, health: { status: 'Healthy' } },
  };
}

/** The ArgoCdError a call fails with; fails the test if it succeeds or throws anything else. */
export async function argoCdErrorOf(promise: Promise<unknown>): Promise<ArgoCdError> {
  try {
    await promise;
  } catch (err) {
    if (isArgoCdError(err)) return err;
    throw err;
  }
  throw new Error('expected an ArgoCdError');
}

/**
 * A Deployment manifest running `image`; with `health`, marked for the fake Argo CD to report
 * that health (`fake.argocd.gantry.io/health`).
 */
export function deploymentManifest(name: string, image: string, health?: string): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(health === undefined
      ? []
      : ['  annotations:', `    fake.argocd.gantry.io/health: ${health}`]),
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: ${image}`,
    '',
  ].join('\n');
}
