import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The pages, from the URL: `/`, `/projects/P`, `/projects/P/promotions/NAME`. */
export type Route =
  | { page: 'projects' }
  | { page: 'project'; project: string }
  | { page: 'promotion'; project: string; promotion: string }
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
  return { page: 'not-found', path };
}

export const paths = {
  projects: () => '/',
  project: (project: string) => `/projects/${encodeURIComponent(project)}`,
  promotion: (project: string, promotion: string) =>
    `/projects/${encodeURIComponent(project)}/promotions/${encodeURIComponent(promotion)}`,
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
