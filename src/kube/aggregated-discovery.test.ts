import { describe, expect, it } from 'vitest';
import {
  aggregatedCore,
  aggregatedDiscoveryVersion,
  aggregatedGroups,
} from './aggregated-discovery.js';
import { apiGroupList, apiResourceList } from './discovery.js';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

describe('aggregated discovery', () => {
  it.each([
    [`${V2},${V2BETA1},application/json`, 'v2'], // kubectl 1.32
    [`${V2BETA1},application/json`, 'v2beta1'],
    [`${V2};profile=nopeer,${V2}`, 'v2'],
    ['application/json', undefined],
    [undefined, undefined],
    [`application/json,${V2}`, undefined], // plain JSON preferred
    ['application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', undefined],
    ['application/json;g=meta.k8s.io;v=v1;as=Table', undefined],
  ])('Accept %s → %s', (accept, version) => {
    expect(aggregatedDiscoveryVersion(accept)).toBe(version);
  });

  it('says what the unaggregated documents say, with subresources under their resource', () => {
    const core = aggregatedCore('v2');
    expect(core).toMatchObject({
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
    });
    const groups = aggregatedGroups('v2beta1');
    expect(groups.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const items = [...core.items, ...groups.items];
    expect(items.map((i) => i.metadata.name ?? '')).toEqual([
      '',
      ...apiGroupList().groups.map((g) => g.name),
    ]);
    for (const item of items) {
      const group = item.metadata.name ?? '';
      for (const version of item.versions) {
        expect(version.freshness).toBe('Current');
        // Flattened back into an APIResourceList, as client-go does.
        const flattened = version.resources.flatMap((r) => [
          {
            name: r.resource,
            singularName: r.singularResource,
            namespaced: r.scope === 'Namespaced',
            kind: r.responseKind.kind,
            verbs: r.verbs,
            ...(r.shortNames ? { shortNames: r.shortNames } : {}),
            ...(r.categories ? { categories: r.categories } : {}),
          },
          ...r.subresources.map((s) => ({
            name: `${r.resource}/${s.subresource}`,
            singularName: '',
            namespaced: r.scope === 'Namespaced',
            kind: s.responseKind.kind,
            verbs: s.verbs,
          })),
        ]);
        const gv = group ? `${group}/${version.version}` : version.version;
        expect(flattened, gv).toEqual(apiResourceList(gv)!.resources);
      }
    }
    const stages = groups.items
      .find((i) => i.metadata.name === 'kargo.akuity.io')!
      .versions[0]!.resources.find((r) => r.resource === 'stages')!;
    expect(stages).toMatchObject({
      scope: 'Namespaced',
      responseKind: { group: 'kargo.akuity.io', version: 'v1alpha1', kind: 'Stage' },
      categories: ['kargo'],
      subresources: [{ subresource: 'status', verbs: ['get', 'patch', 'update'] }],
    });
  });
});
