import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubectlHarness, type KubectlHarness } from './kubectl-harness.js';

/** kubectl reading Gantry's OpenAPI (explain, validation) and aggregated discovery. */
const api = 'kargo.akuity.io/v1alpha1';

let harness: KubectlHarness;
const kubectl = (...args: string[]) => harness.kubectl(args);
const stage = (spec: Record<string, unknown>) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name: 'qa', namespace: 'demo' },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    ...spec,
  },
});
const file = (name: string, content: unknown) => {
  const path = join(harness.dir, name);
  writeFileSync(path, stringify(content));
  return path;
};

beforeAll(async () => {
  harness = await startKubectlHarness();
  await harness.gantry.store.write([
    { op: 'create', object: { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } } },
  ]);
});

afterAll(async () => {
  await harness?.stop();
});

describe('kubectl and Gantry’s OpenAPI', () => {
  it('explains Stages, their fields and nested fields', async () => {
    const stages = await kubectl('explain', 'stages');
    expect(stages.code, stages.err).toBe(0);
    expect(stages.out).toMatch(/^GROUP:\s+kargo\.akuity\.io\nKIND:\s+Stage\nVERSION:\s+v1alpha1\n/);
    expect(stages.out).toMatch(/DESCRIPTION:\n\s+A Stage is a promotion target/);
    expect(stages.out).toMatch(/^ {2}metadata\t<ObjectMeta>\n\s+Standard object metadata/m);
    expect(stages.out).toMatch(/^ {2}spec\t<Object> -required-\n\s+What the Stage wants/m);
    expect(stages.out).toMatch(/^ {2}status\t<Object>\n/m);
    expect(stages.out).not.toContain('<no description>');

    const template = await kubectl('explain', 'stage.spec.promotionTemplate');
    expect(template.code, template.err).toBe(0);
    expect(template.out).toContain('FIELD: promotionTemplate <Object>');
    expect(template.out).toMatch(/The template of the Promotions made for this Stage/);
    expect(template.out).toMatch(/^ {2}spec\t<Object> -required-\n\s+The variables and steps/m);
    expect(template.out).not.toContain('<no description>');

    const steps = await kubectl(
      'explain',
      'stage.spec.promotionTemplate.spec.steps',
      '--recursive',
    );
    expect(steps.code, steps.err).toBe(0);
    expect(steps.out).toContain('FIELD: steps <[]Object>');
    expect(steps.out).toMatch(
      /^ {2}task\t<Object>\n {4}kind\t<string>\n {4}enum: PromotionTask, ClusterPromotionTask\n {4}name\t<string> -required-$/m,
    );
    expect(steps.out).toMatch(/^ {2}uses\t<string>$/m);

    const meta = await kubectl('explain', 'stage.metadata.labels');
    expect(meta.out).toContain('FIELD: labels <map[string]string>');

    const missing = await kubectl('explain', 'stage.spec.nothing');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('field "nothing" does not exist');

    // The v2 document, which kubectl reads as protobuf.
    const v2 = await kubectl(
      'explain',
      'stage.spec.promotionTemplate',
      '--output=plaintext-openapiv2',
    );
    expect(v2.code, v2.err).toBe(0);
    expect(v2.out).toMatch(/^KIND:\s+Stage\nVERSION:\s+kargo\.akuity\.io\/v1alpha1/);
    expect(v2.out).toMatch(/The template of the Promotions made for this Stage/);
  });

  it('learns the API from aggregated discovery: /api and /apis, nothing per group version', async () => {
    const cache = mkdtempSync(join(harness.dir, 'fresh-cache-'));
    const { code, out, err } = await kubectl('-v=8', '--cache-dir', cache, 'api-resources');
    expect(code, err).toBe(0);
    expect(out).toMatch(/^stages\s+kargo\.akuity\.io\/v1alpha1\s+true\s+Stage$/m);
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    const requests = [...err.matchAll(/\] (GET|POST) (https:\S+)/g)].map(
      (m) => new URL(m[2]!).pathname,
    );
    expect(requests).toEqual(['/api', '/apis']);
    expect(err).toMatch(
      /Accept: application\/json;g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList,/,
    );
    const types = [...err.matchAll(/Content-Type: (.*)$/gm)].map((m) => m[1]);
    expect(types).toEqual([
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    ]);
  });

  it('validates manifests: client-side with the v2 schema, server-side field validation asked for', async () => {
    // A valid object prints as given.
    const valid = await kubectl(
      'create',
      '--dry-run=client',
      '-o',
      'yaml',
      '-f',
      file('qa.yaml', stage({})),
    );
    expect(valid.code, valid.err).toBe(0);
    expect(valid.out).toContain('kind: Stage');

    // A v1 List is validated by kubectl itself, against the OpenAPI v2 schema.
    const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', items });
    const bad = await kubectl(
      'create',
      '--dry-run=client',
      '-o',
      'name',
      '-f',
      file('bad-list.yaml', list([stage({ bogusField: 1 })])),
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('unknown field "bogusField" in io.akuity.kargo.v1alpha1.Stage.spec');
    const wrongType = await kubectl(
      'create',
      '--dry-run=client',
      '-o',
      'name',
      '-f',
      file('typed-list.yaml', list([stage({ requestedFreight: 'web' })])),
    );
    expect(wrongType.code).toBe(1);
    expect(wrongType.err).toMatch(/Stage\.spec\.requestedFreight: got "string", expected "array"/);

    // Every example of the repository passes.
    const examples = ['project', 'promotion-task', 'stages', 'verification', 'warehouse'].flatMap(
      (name) =>
        parseAllDocuments(
          readFileSync(new URL(`../examples/frontend/${name}.yaml`, import.meta.url), 'utf8'),
        )
          .map((document) => document.toJS() as unknown)
          .filter(Boolean),
    );
    const good = await kubectl(
      'create',
      '--dry-run=client',
      '-o',
      'name',
      '-f',
      file('examples.yaml', list(examples)),
    );
    expect(good.code, good.err).toBe(0);
    expect(good.out).toContain('stage.kargo.akuity.io/prod');

    // A single object is left to the server: PATCH declares fieldValidation, so kubectl sends
    // fieldValidation=Strict instead of checking itself (what the server answers is the
    // writes' business).
    const server = await kubectl(
      '-v=6',
      'create',
      '--dry-run=server',
      '-f',
      file('server.yaml', stage({ bogusField: 1 })),
    );
    expect(server.err).not.toContain('error validating');
    expect(server.err).toMatch(
      /POST https:\S+\/apis\/kargo\.akuity\.io\/v1alpha1\/namespaces\/demo\/stages\?\S*fieldValidation=Strict/,
    );
  });
});
