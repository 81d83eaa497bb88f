import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../../api/repo-urls.js';
import type { ExprFunction } from '../../expr/evaluator.js';
import { MethodHost } from '../../expr/values.js';

/**
 * What a generic webhook receiver's expressions see of the request, as Kargo builds it
 * (pkg/webhook/external/generic.go): `request.body` (the JSON body, numbers as Go's
 * json.Unmarshal makes them), `request.header(name)` (the first value, "" when absent),
 * `request.headers(name)` (all values), `request.params(name)` (a query parameter). Gantry adds
 * `request.method` and `request.url`. Like Kargo's map, a name it lacks is nil.
 */
export class GenericWebhookRequest extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;
  override readonly fields: Readonly<Record<string, unknown>>;

  constructor(request: {
    body: unknown;
    headers: Readonly<Record<string, string>>;
    method: string;
    url: string;
  }) {
    super();
    const header = (name: unknown): string | undefined =>
      request.headers[String(name).toLowerCase()];
    const query = new URL(request.url, 'http://localhost').searchParams;
    this.fields = { body: request.body, method: request.method, url: request.url };
    this.methods = {
      header: ([name]) => header(name) ?? '',
      headers: ([name]) => {
        const value = header(name);
        return value === undefined ? [] : [value];
      },
      params: ([name]) => query.get(String(name)) ?? '',
    };
  }

  override get mapLike(): boolean {
    return true;
  }

  override get goType(): string {
    return 'map[string]interface {}';
  }

  override toString(): string {
    return JSON.stringify(this.fields);
  }
}

/** Kargo's URL helpers in a generic receiver's expressions. */
export const genericWebhookFunctions: Record<string, ExprFunction> = {
  normalizeGit: ([url]) => normalizeGitUrl(String(url)),
  normalizeImage: ([url]) => normalizeImageRepo(String(url)),
  normalizeChart: ([url]) => normalizeChartUrl(String(url)),
};
