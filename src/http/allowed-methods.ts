import { errorResponse } from './errors';

interface RouteEntry {
  method: string;
  path: string;
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(path: string): RegExp {
  const segments = path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment)));
  return new RegExp(`^${segments.join('/')}/?$`);
}

/**
 * The methods a path answers, read from the app's own route table once it is complete, so a
 * known path asked with the wrong method is a 405 with `Allow` rather than a 404.
 */
export function createAllowedMethods(routes: () => readonly RouteEntry[]) {
  let table: { pattern: RegExp; methods: Set<string> }[] | null = null;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const route of routes()) {
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method.toUpperCase());
      byPath.set(route.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), methods }));
  };
  return (pathname: string): string[] => {
    table ??= build();
    const allowed = new Set<string>();
    for (const entry of table) if (entry.pattern.test(pathname)) for (const method of entry.methods) allowed.add(method);
    if (allowed.has('GET')) allowed.add('HEAD');
    return ORDER.filter((method) => allowed.has(method));
  };
}

export const methodNotAllowed = (method: string, allowed: readonly string[]) =>
  errorResponse(405, 'method_not_allowed', `${method} is not allowed here; allowed: ${allowed.join(', ')}`, { allow: allowed.join(', ') });
