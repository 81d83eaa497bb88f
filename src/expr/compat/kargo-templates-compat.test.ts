import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { standardFunctions } from '../functions/index.js';
import { evaluateConfig } from '../template.js';
import { jsonTemplateCases, type JsonTemplateCase } from './kargo/json-templates.cases.js';

/**
 * Kargo's JSON template tests (pkg/expressions/json_templates_test.go), translated to data in
 * ./kargo/json-templates.cases.ts, run through Gantry's evaluateConfig: the config is parsed
 * (YAML ones as Kargo's test converts them), evaluated with the case's environment and the
 * standard functions, and the fields upstream asserts are compared.
 */
function run(c: JsonTemplateCase): Record<string, unknown> {
  const config: unknown = c.json !== undefined ? JSON.parse(c.json) : parseYaml(c.yaml ?? '');
  return evaluateConfig(config, { variables: c.env, functions: standardFunctions }) as Record<
    string,
    unknown
  >;
}

describe('Kargo json_templates_test.go', () => {
  it('has cases, each naming its upstream test, skipped ones with a reason', () => {
    expect(jsonTemplateCases.length).toBeGreaterThan(0);
    for (const c of jsonTemplateCases) {
      expect(c.upstream).toMatch(/\S+\.go \S+/);
      expect(c.json !== undefined || c.yaml !== undefined, c.upstream).toBe(true);
      if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
      else expect(c.error ?? c.want ?? c.checks, c.upstream).toBeDefined();
    }
  });

  const runnable = jsonTemplateCases.filter((c) => c.skip === undefined);
  it.each(runnable.map((c) => [c.upstream, c] as const))('%s', (_, c) => {
    if (c.error !== undefined) {
      expect(() => run(c)).toThrow(c.error);
      return;
    }
    const evaluated = run(c);
    for (const [field, value] of Object.entries(c.want ?? {}))
      expect(evaluated[field], field).toStrictEqual(value);
    for (const check of c.checks ?? []) {
      const value = evaluated[check.field];
      expect(typeof value, check.field).toBe('string');
      const text = value as string;
      if (check.contains !== undefined) expect(text).toContain(check.contains);
      if (check.endsWith !== undefined) expect(text.endsWith(check.endsWith)).toBe(true);
      if (check.jsonEquals !== undefined)
        expect(JSON.parse(text) as unknown).toStrictEqual(check.jsonEquals);
    }
  });
});
