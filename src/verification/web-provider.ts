import type { Metric } from '../api/analysis-template.js';
import { inputError } from '../errors.js';
import { isOutboundRefusal } from '../outbound/outbound-http.js';
import { evaluateJsonPath } from './json-path.js';
import type { MetricProvider } from './metric-provider.js';

export type WebMetric = NonNullable<Metric['provider']['web']>;

const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const SNIPPET = 200;

/**
 * Rollouts' web provider: one HTTP request per measurement.
 * - method (GET by default), headers, `body` or `jsonBody` (sent JSON-encoded, with
 *   content-type application/json unless a header sets one), timeoutSeconds (10 by default,
 *   as Rollouts), `insecure` to accept any TLS certificate;
 * - `result` is the JSON-decoded body, or the value `jsonPath` selects in it (e.g.
 *   `{$.data.ok}`); a body that is not JSON is the result as text (Rollouts errors instead);
 * - a status outside 2xx, a network error or a timeout is an Error measurement;
 * - redirects are followed; the destination (and each redirect) must be allowed by the
 *   operator's outbound policy, else the metric ends in Error at once.
 * `authentication` (oauth2, sigv4) is not supported: credentials go in headers, e.g. from an
 * argument read from a Secret.
 */
export const webProvider: MetricProvider<WebMetric> = {
  name: 'web',
  prepare(config, metric) {
    if (config.authentication)
      throw inputError(
        `metric "${metric}": web.authentication is not supported by Gantry; send credentials in web.headers (e.g. from an argument with valueFrom.secretKeyRef)`,
      );
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw inputError(`metric "${metric}": web.url ${JSON.stringify(config.url)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw inputError(`metric "${metric}": web.url must be an http or https URL`);
    const method = config.method ?? 'GET';
    const headers: Record<string, string> = {};
    for (const { key, value } of config.headers ?? []) {
      const name = key.toLowerCase();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const body = config.jsonBody !== undefined ? JSON.stringify(config.jsonBody) : config.body;
    if (config.jsonBody !== undefined) headers['content-type'] ??= 'application/json';
    const timeoutSeconds =
      config.timeoutSeconds !== undefined && config.timeoutSeconds > 0
        ? config.timeoutSeconds
        : DEFAULT_TIMEOUT_SECONDS;
    // Never the query or user info: they may carry credentials.
    const target = `${method} ${url.origin}${url.pathname}`;

    return async (context) => {
      let response;
      try {
        response = await context.http.send({
          method,
          url,
          headers,
          body,
          timeoutMs: timeoutSeconds * 1000,
          insecure: config.insecure ?? false,
          signal: context.signal,
          maxBodyBytes: MAX_BODY_BYTES,
          overflow: 'error',
        });
      } catch (err) {
        return {
          type: 'error',
          message: `${target}: ${(err as Error).message}`,
          terminal: isOutboundRefusal(err),
        };
      }
      if (response.status < 200 || response.status > 299) {
        const snippet = response.body.trim().slice(0, SNIPPET);
        return {
          type: 'error',
          message: `${target}: received non-2xx status ${response.status}${snippet ? `: ${snippet}` : ''}`,
        };
      }
      let data: unknown = response.body;
      let json = true;
      try {
        data = JSON.parse(response.body) as unknown;
      } catch {
        json = false;
      }
      if (config.jsonPath === undefined || config.jsonPath.trim() === '')
        return { type: 'result', result: data };
      if (!json)
        return {
          type: 'error',
          message: `${target}: the response is not JSON, so jsonPath ${config.jsonPath} cannot select from it`,
        };
      try {
        return { type: 'result', result: evaluateJsonPath(data, config.jsonPath) };
      } catch (err) {
        return { type: 'error', message: (err as Error).message };
      }
    };
  },
};
