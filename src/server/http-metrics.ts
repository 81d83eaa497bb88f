import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from '../metrics/metrics.js';

/** The route label of a request no route matched (never its raw path: unbounded values). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Reports every request to the Metrics port with its method, its route's pattern
 * (`/v1/projects/:project/stages/:name`), the status answered and the time until the response
 * started. Registered first, so requests refused by the limits, host guard or authentication
 * are counted under the route they asked for. Watch streams count when they open.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.httpRequest(
        c.req.method,
        routeOf(c),
        c.res.status,
        (performance.now() - started) / 1000,
      );
    }
  };
}

/** The pattern of the route that serves the request: the first one matched that is not middleware. */
function routeOf(c: Context): string {
  return matchedRoutes(c).find((route) => route.method !== 'ALL')?.path ?? UNMATCHED_ROUTE;
}
