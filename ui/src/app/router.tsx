import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The pages, from the URL: `/`, `/projects/P`, `/projects/P/promotions/NAME`. */
export type Route =
  | { page: 'projects' }
  | { page: 'project'; project: string }
  | { page: 'promotion'; project: string; promotion: string }
  | { page: 'stage'; project: string; stage: string }
  /** A Freight by name or alias. */
  | { page: 'freight'; project: string; freight: string }
  | { page: 'warehouse'; project: string; warehouse: string }
  /** An object as YAML: the Project itself when `plural` is not given. */
  | { page: 'yaml'; project: string; plural?: string; name?: string }
  | { page: 'not-found'; path: string };

export function routeOf(path: string): Route {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 0) return { page: 'projects' };
  if (parts[0] === 'projects' && parts.length === 2) return { page: 'project', project: parts[1]! };
  if (parts[0] === 'projects' && parts[2] === 'promotions' && parts.length === 4)
    return { page: 'promotion', project: parts[1]!, promotion: parts[3]! };
  if (parts[0] === 'projects' && parts[2] === 'stages' && parts.length === 4)
    return { page: 'stage', project: parts[1]!, stage: parts[3]! };
  if (parts[0] === 'projects' && parts[2] === 'freight' && parts.length === 4)
    return { page: 'freight', project: parts[1]!, freight: parts[3]! };
  if (parts[0] === 'projects' && parts[2] === 'warehouses' && parts.length === 4)
    return { page: 'warehouse', project: parts[1]!, warehouse: parts[3]! };
  if (parts[0] === 'projects' && parts[2] === 'yaml' && parts.length === 3)
    return { page: 'yaml', project: parts[1]! };
  if (parts[0] === 'projects' && parts[4] === 'yaml' && parts.length === 5)
    return { page: 'yaml', project: parts[1]!, plural: parts[2]!, name: parts[3]! };
  return { page: 'not-found', path };
}

export const paths = {
  projects: () => '/',
  project: (project: string) => `/projects/${encodeURIComponent(project)}`,
  promotion: (project: string, promotion: string) =>
    `/projects/${encodeURIComponent(project)}/promotions/${encodeURIComponent(promotion)}`,
  stage: (project: string, stage: string) =>
    `/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(stage)}`,
  /** A Freight's page; `compare` picks the Freight its diff is against. */
  freight: (project: string, freight: string, compare?: string) =>
    `/projects/${encodeURIComponent(project)}/freight/${encodeURIComponent(freight)}${
      compare ? `?compare=${encodeURIComponent(compare)}` : ''
    }`,
  warehouse: (project: string, warehouse: string) =>
    `/projects/${encodeURIComponent(project)}/warehouses/${encodeURIComponent(warehouse)}`,
  /**
   * An object's YAML: `plural` is the API's (`stages`, `freight`, `promotiontasks`, …); the
   * Project itself without `plural` and `name`.
   */
  yaml: (project: string, plural?: string, name?: string) =>
    plural === undefined || name === undefined
      ? `/projects/${encodeURIComponent(project)}/yaml`
      : `/projects/${encodeURIComponent(project)}/${encodeURIComponent(plural)}/${encodeURIComponent(name)}/yaml`,
};

const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Goes to a page without reloading. */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  return routeOf(path);
}

/** The current path with its query: where to come back to after signing in elsewhere. */
export function useLocation(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
}

/** A link that navigates in the page (and still opens in a new tab with a modifier key). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, ...rest } = props;
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={to} onClick={onClick} />;
}
