// The local gateway's resources and methods, from the contract's route table: matching a request path to a route
// (as API Gateway matches resource templates) and answering CORS preflights.
import {
  PREFLIGHT_ALLOW_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  apiResources,
  type ApiRoute,
} from '../../lambda/contract/routes';

interface CompiledRoute {
  route: ApiRoute;
  pattern: RegExp;
  names: string[];
}

export interface MatchedRoute {
  route: ApiRoute;
  pathParameters: Record<string, string>;
}

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

export class RouteTable {
  private readonly routes: CompiledRoute[];
  private readonly preflights: Array<{ pattern: RegExp; methods: string }>;

  constructor(routes: readonly ApiRoute[]) {
    this.routes = routes.map((route) => ({ route, ...compile(route.path) }));
    this.preflights = apiResources(routes).map((r) => ({
      pattern: compile(r.path).pattern,
      methods: [...r.methods, 'OPTIONS'].join(','),
    }));
  }

  /** The route for a method and path; BAD_REQUEST_PARAMETERS for a malformed %-escape in a path parameter. */
  match(method: string, path: string): MatchedRoute | 'BAD_REQUEST_PARAMETERS' | undefined {
    for (const { route, pattern, names } of this.routes) {
      if (route.method !== method) continue;
      const match = pattern.exec(path);
      if (!match) continue;
      try {
        return {
          route,
          pathParameters: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])),
        };
      } catch {
        return 'BAD_REQUEST_PARAMETERS';
      }
    }
    return undefined;
  }

  /** The preflight answer's headers for a resource path (like the deployed OPTIONS methods), if it has one. */
  preflight(path: string): Record<string, string> | undefined {
    const resource = this.preflights.find((p) => p.pattern.test(path));
    return resource
      ? {
          'Access-Control-Allow-Methods': resource.methods,
          'Access-Control-Allow-Headers': PREFLIGHT_ALLOW_HEADERS.join(','),
          'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
        }
      : undefined;
  }
}
