import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeTestApp, type KubeTestApp } from '../../test/kube-test-app.js';
import { KUBE_RESOURCES } from './kube-resources.js';
import { describedFields } from './openapi-descriptions.js';
import { buildOpenApiDocuments, openApiDocuments } from './openapi-documents.js';
import { buildOpenApiSchemas } from './openapi-schemas.js';

const { kinds, definitions } = buildOpenApiSchemas();
const documents = openApiDocuments();
const v2 = JSON.parse(documents.v2.body as string) as Record<string, any>;
const v3 = (key: string) =>
  JSON.parse(documents.v3.get(key)!.body as string) as Record<string, any>;
const index = JSON.parse(documents.v3Index.body as string) as {
  paths: Record<string, { serverRelativeURL: string }>;
};

/** Every `$ref` in a JSON tree. */
function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refsOf(child, found));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node))
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
  return found;
}

/** Every field path of a schema, as openapi-descriptions.ts writes them (`a.b[].c`, `m{}.x`). */
function pathsOf(schema: any, prefix = '', found: string[] = []): string[] {
  if (!schema || typeof schema !== 'object') return found;
  for (const [name, child] of Object.entries<any>(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    found.push(path);
    pathsOf(child, path, found);
  }
  if (schema.items) pathsOf(schema.items, `${prefix}[]`, found);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    pathsOf(schema.additionalProperties, `${prefix}{}`, found);
  return found;
}

/** The schema at a field path of a definition, following `$ref`s and one-element allOfs. */
function at(definition: any, path: string): any {
  let node = definition;
  for (const step of path.split('.')) {
    node = resolve(node);
    const [, name, items] = /^([^[]+)((?:\[\])*)$/.exec(step)!;
    node = resolve(node.properties?.[name!]);
    for (let i = 0; i < items!.length / 2; i++) node = resolve(node.items);
  }
  return node;
}
function resolve(node: any): any {
  if (node?.allOf?.length === 1) return { ...node, ...resolve(node.allOf[0]) };
  if (node?.$ref) return definitions[node.$ref.replace('#/components/schemas/', '')];
  return node;
}

describe('OpenAPI schemas of the served kinds', () => {
  it('has a schema and a list schema for every kind, named as kube-apiserver names them', () => {
    expect(kinds).toHaveLength(KUBE_RESOURCES.length);
    for (const { resource, name, listName } of kinds) {
      const gvk = { group: resource.group, version: resource.version, kind: resource.kind };
      expect(definitions[name]?.['x-kubernetes-group-version-kind'], name).toEqual([gvk]);
      expect(definitions[listName]?.['x-kubernetes-group-version-kind']).toEqual([
        { ...gvk, kind: `${resource.kind}List` },
      ]);
      expect(definitions[name]?.['description'], name).toMatch(/\w/);
    }
    expect(kinds.map((k) => k.name)).toEqual(
      expect.arrayContaining([
        'io.akuity.kargo.v1alpha1.Stage',
        'io.akuity.kargo.v1alpha1.Freight',
        'io.argoproj.v1alpha1.AnalysisTemplate',
        'io.akuity.kargo.rbac.v1alpha1.Role',
        'io.k8s.api.core.v1.Secret',
        'io.k8s.api.core.v1.Namespace',
      ]),
    );
  });

  it('describes fields with their types, required fields, enums and Kargo’s list types', () => {
    const stage = definitions['io.akuity.kargo.v1alpha1.Stage'];
    expect(at(stage, 'metadata')).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(stage?.['required']).toEqual(['spec']);
    expect(at(stage, 'spec').required).toEqual(['requestedFreight']);
    expect(at(stage, 'spec.requestedFreight')).toMatchObject({ type: 'array', minItems: 1 });
    expect(at(stage, 'spec.requestedFreight[].sources.availabilityStrategy')).toMatchObject({
      type: 'string',
      enum: ['OneOf', 'All', ''],
      default: 'OneOf',
    });
    expect(at(stage, 'spec.promotionTemplate').description).toMatch(/steps that move Freight/);
    expect(at(stage, 'spec.promotionTemplate.spec.steps[].uses')).toMatchObject({
      type: 'string',
      description: expect.stringMatching(/step kind/),
    });
    expect(at(stage, 'spec.promotionTemplate.spec.steps[].config')).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(at(stage, 'status.conditions')).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
    expect(at(stage, 'status.conditions[]').required).toContain('type');
    const windows = at(
      definitions['io.akuity.kargo.v1alpha1.ProjectConfig'],
      'spec.promotionWindows',
    );
    expect(windows['x-kubernetes-list-map-keys']).toEqual(['name']);
    expect(windows.items.required).toContain('name');
    const count = at(definitions['io.argoproj.v1alpha1.AnalysisTemplate'], 'spec.metrics[].count');
    expect(count['x-kubernetes-int-or-string']).toBe(true);
    // The safe-integer bounds zod adds are noise; a real bound stays.
    const retry = at(stage, 'spec.promotionTemplate.spec.steps[].retry.errorThreshold');
    expect(retry).toEqual({
      type: 'integer',
      minimum: 0,
      description: expect.any(String) as string,
    });
  });

  it('gives every described field a real path, and every map key list its keys', () => {
    const all = kinds.map(({ resource, name }) => ({
      kind: resource.kind,
      paths: pathsOf(definitions[name]),
    }));
    for (const { kind, path } of describedFields()) {
      const candidates = all.filter((k) => kind === undefined || k.kind === kind);
      const found = candidates.some((k) =>
        k.paths.some((p) => p === path || p.endsWith(`.${path}`)),
      );
      expect(found, `${kind ?? 'shared'}: ${path}`).toBe(true);
    }
  });

  it('resolves every reference in every document', () => {
    for (const [key] of documents.v3) {
      const document = v3(key);
      for (const ref of refsOf(document)) {
        expect(ref, key).toMatch(/^#\/components\/schemas\//);
        expect(
          ref.slice('#/components/schemas/'.length) in document.components.schemas,
          `${key}: ${ref}`,
        ).toBe(true);
      }
    }
    for (const ref of refsOf(v2)) {
      expect(ref).toMatch(/^#\/definitions\//);
      expect(ref.slice('#/definitions/'.length) in v2['definitions'], ref).toBe(true);
    }
    expect(JSON.stringify(v2)).not.toMatch(/"(anyOf|nullable)"/);
  });

  it('declares each operation as kube-apiserver does, with field validation on writes', () => {
    const paths = v3('apis/kargo.akuity.io/v1alpha1').paths;
    const item = paths['/apis/kargo.akuity.io/v1alpha1/namespaces/{namespace}/stages/{name}'];
    expect(item.get['x-kubernetes-action']).toBe('get');
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'kargo.akuity.io',
      version: 'v1alpha1',
      kind: 'Stage',
    });
    expect(item.patch.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['fieldValidation', 'fieldManager', 'dryRun', 'force']),
    );
    // A custom resource: no strategic merge patch, so kubectl apply sends merge patches.
    expect(Object.keys(item.patch.requestBody.content)).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(item.parameters.map((p: { name: string }) => p.name)).toEqual([
      'namespace',
      'name',
      'pretty',
    ]);
    const list = paths['/apis/kargo.akuity.io/v1alpha1/namespaces/{namespace}/stages'].get;
    expect(list.operationId).toBe('listKargoAkuityIoV1alpha1NamespacedStage');
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch']),
    );
    expect(paths['/apis/kargo.akuity.io/v1alpha1/stages'].get.operationId).toBe(
      'listKargoAkuityIoV1alpha1StageForAllNamespaces',
    );
    expect(
      '/apis/kargo.akuity.io/v1alpha1/namespaces/{namespace}/stages/{name}/status' in paths,
    ).toBe(true);
    expect(v2['paths']['/api/v1/namespaces/{namespace}/secrets/{name}'].patch.consumes).toContain(
      'application/strategic-merge-patch+json',
    );
  });

  it('links each group version from the v3 index by the hash of its content', () => {
    expect(Object.keys(index.paths).sort()).toEqual([
      'api/v1',
      'apis/argoproj.io/v1alpha1',
      'apis/kargo.akuity.io/v1alpha1',
      'apis/rbac.kargo.akuity.io/v1alpha1',
    ]);
    for (const [key, { serverRelativeURL }] of Object.entries(index.paths)) {
      const body = documents.v3.get(key)!.body;
      const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
      expect(serverRelativeURL).toBe(`/openapi/v3/${key}?hash=${hash}`);
    }
    // Different content, different hash; the other group versions keep theirs.
    const changed = buildOpenApiDocuments(
      KUBE_RESOURCES.map((r) =>
        r.kind === 'Stage' ? { ...r, verbs: r.verbs.filter((v) => v !== 'delete') } : r,
      ),
    );
    expect(changed.v3.get('apis/kargo.akuity.io/v1alpha1')!.etag).not.toBe(
      documents.v3.get('apis/kargo.akuity.io/v1alpha1')!.etag,
    );
    expect(changed.v3.get('api/v1')!.etag).toBe(documents.v3.get('api/v1')!.etag);
  });
});

describe('the OpenAPI routes', () => {
  let t: KubeTestApp;
  let app: KubeTestApp['app'];
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await kubeTestApp();
    ({ app, admin } = t);
  });
  afterAll(() => t.stop());

  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...admin, ...headers } });

  it('serves the v3 index and documents with ETags, caching by hash, redirecting stale hashes', async () => {
    const listed = await get('/openapi/v3');
    expect(listed.status).toBe(200);
    const { paths } = (await listed.json()) as typeof index;
    const url = paths['apis/kargo.akuity.io/v1alpha1']!.serverRelativeURL;
    const current = await get(url);
    expect(current.status).toBe(200);
    expect(current.headers.get('cache-control')).toBe('public, immutable');
    const etag = current.headers.get('etag')!;
    expect(etag).toBe(`"${new URL(url, 'http://x').searchParams.get('hash')}"`);
    const document = (await current.json()) as Record<string, any>;
    expect(document['openapi']).toBe('3.0.0');
    expect(document['components'].schemas['io.akuity.kargo.v1alpha1.Stage']).toBeTruthy();
    expect((await get(url, { 'if-none-match': etag })).status).toBe(304);
    const stale = await get('/openapi/v3/apis/kargo.akuity.io/v1alpha1?hash=ABC');
    expect(stale.status).toBe(301);
    expect(stale.headers.get('location')).toBe(url);
    const missing = await get('/openapi/v3/apis/nothing.example.com/v1');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { kind: string }).kind).toBe('Status');
    expect((await get(url, { accept: 'text/html' })).status).toBe(406);
  });

  it('serves v2 as JSON, or as protobuf when asked as client-go asks', async () => {
    const json = await get('/openapi/v2', { accept: 'application/json' });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(((await json.json()) as { swagger: string }).swagger).toBe('2.0');
    const proto = await get('/openapi/v2', {
      accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
    });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    // Document.swagger (field 1, length-delimited) comes first.
    const bytes = Buffer.from(await proto.arrayBuffer());
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, ...Buffer.from('2.0')]));
    expect(bytes.includes(Buffer.from('io.akuity.kargo.v1alpha1.Stage'))).toBe(true);
    expect((await get('/openapi/v2', { accept: 'text/html' })).status).toBe(406);
    expect((await app.request('/openapi/v2')).status).toBe(401);
  });
});
