import { KubeConfig } from '@kubernetes/client-node';
import { inputError } from '../../errors.js';

export interface LoadKubeConfigOptions {
  /** A kubeconfig file; without it (and without `inCluster`), `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfig?: string | undefined;
  /** The context to use instead of the file's current one. */
  context?: string | undefined;
  /** Use the pod's service account (token, CA and namespace under /var/run/secrets). */
  inCluster?: boolean | undefined;
}

/**
 * The Kubernetes client configuration for `KubernetesArgoCdClient`, from a kubeconfig file, the
 * in-cluster service account, or the default search (`$KUBECONFIG`, `~/.kube/config`, then
 * in-cluster when running in a pod). Configuration mistakes are `Invalid` GantryErrors naming
 * the file and the fix, raised at start-up rather than at the first sync.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  const source = options.inCluster
    ? 'the in-cluster service account'
    : options.kubeconfig !== undefined
      ? `kubeconfig ${options.kubeconfig}`
      : 'the default kubeconfig';
  if (options.inCluster && options.kubeconfig !== undefined) {
    throw inputError('a kubeconfig file and inCluster exclude each other; set one of them');
  }
  if (options.inCluster && process.env.KUBERNETES_SERVICE_HOST === undefined) {
    throw inputError(
      'could not use the in-cluster service account: KUBERNETES_SERVICE_HOST is not set (not running in a pod?); give a kubeconfig instead',
    );
  }
  try {
    if (options.inCluster) kc.loadFromCluster();
    else if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw inputError(`could not load ${source}: ${reason.split('\n')[0]}`);
  }
  if (options.context !== undefined) {
    const names = kc.getContexts().map((context) => context.name);
    if (!names.includes(options.context)) {
      throw inputError(
        `${source} has no context ${JSON.stringify(options.context)} (it has: ${names.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw inputError(`${source} names no cluster for its current context; give a context`);
  }
  return kc;
}
