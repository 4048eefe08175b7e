/** Hash routing: `#/agents/<id>` and the like, so the master serves one page and reloads keep the view. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'agents' }
  | { readonly page: 'agent'; readonly agentId: string }
  | { readonly page: 'frameworks' }
  | { readonly page: 'framework'; readonly frameworkId: string }
  | { readonly page: 'tasks' }
  | { readonly page: 'sandbox'; readonly frameworkId: string; readonly taskId: string }
  | { readonly page: 'roles' }
  | { readonly page: 'maintenance' }
  | { readonly page: 'not-found'; readonly path: string };

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Reads a route from a location hash such as `#/frameworks/abc-0001`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const parts = path.split('/').filter((p) => p !== '').map(decode);
  const [first, second, third, fourth, fifth] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (first === 'agents' && parts.length === 1) return { page: 'agents' };
  if (first === 'agents' && second !== undefined && parts.length === 2) return { page: 'agent', agentId: second };
  if (first === 'frameworks' && parts.length === 1) return { page: 'frameworks' };
  if (first === 'frameworks' && second !== undefined && parts.length === 2) return { page: 'framework', frameworkId: second };
  if (first === 'frameworks' && second !== undefined && third === 'tasks' && fourth !== undefined && fifth === 'sandbox' && parts.length === 5) {
    return { page: 'sandbox', frameworkId: second, taskId: fourth };
  }
  if (first === 'tasks' && parts.length === 1) return { page: 'tasks' };
  if (first === 'roles' && parts.length === 1) return { page: 'roles' };
  if (first === 'maintenance' && parts.length === 1) return { page: 'maintenance' };
  return { page: 'not-found', path };
}

/** Links, built from ids (encoded, since task ids may hold any character). */
export const href = {
  overview: (): string => '#/',
  agents: (): string => '#/agents',
  agent: (id: string): string => `#/agents/${encodeURIComponent(id)}`,
  frameworks: (): string => '#/frameworks',
  framework: (id: string): string => `#/frameworks/${encodeURIComponent(id)}`,
  tasks: (): string => '#/tasks',
  sandbox: (frameworkId: string, taskId: string): string => `#/frameworks/${encodeURIComponent(frameworkId)}/tasks/${encodeURIComponent(taskId)}/sandbox`,
  roles: (): string => '#/roles',
  maintenance: (): string => '#/maintenance',
};

/** The current route, following `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
