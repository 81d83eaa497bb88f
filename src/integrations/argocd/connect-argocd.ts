import type { ArgoCdInstanceConfig } from '../../argocd-config.js';
import { ArgoCdApiClient } from './argocd-api-client.js';
import { argoCdInstances, type ArgoCdClient, type ArgoCdInstances } from './argocd-client.js';
import { KubernetesArgoCdClient } from './kubernetes-argocd-client.js';

/**
 * The configured Argo CD instances as clients: Argo CD's API server for `url` entries, the
 * Kubernetes API for `kubernetes` entries. Nothing is contacted until a step or a health check
 * needs an instance, so a server starts even while an Argo CD is down.
 */
export function connectArgoCd(configs: readonly ArgoCdInstanceConfig[]): ArgoCdInstances {
  const clients: ArgoCdClient[] = configs.map((config) =>
    config.kind === 'api'
      ? new ArgoCdApiClient({
          instance: config.name,
          namespace: config.namespace,
          url: config.url,
          token: config.token,
          insecure: config.insecure,
          uiUrl: config.uiUrl,
        })
      : new KubernetesArgoCdClient({
          instance: config.name,
          namespace: config.namespace,
          kubeconfigPath: config.kubeconfig,
          context: config.context,
          inCluster: config.inCluster,
          uiUrl: config.uiUrl,
        }),
  );
  return argoCdInstances(clients);
}
