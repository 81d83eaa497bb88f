/**
 * Resources the Kubernetes API serves that are not Gantry kinds, by group version, as their
 * discovery entries: the access reviews `kubectl auth can-i` creates, and core `events`
 * (`kubectl describe` lists an object's events; read-only, from Gantry's audit trail), and the
 * SelfSubjectReview `kubectl auth whoami` creates.
 */
export interface DiscoveryEntry {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

export const NON_KIND_RESOURCES: ReadonlyMap<string, readonly DiscoveryEntry[]> = new Map([
  [
    'v1',
    [
      {
        name: 'events',
        singularName: 'event',
        namespaced: true,
        kind: 'Event',
        verbs: ['get', 'list'],
        shortNames: ['ev'],
      },
    ],
  ],
  [
    'authorization.k8s.io/v1',
    [
      {
        name: 'selfsubjectaccessreviews',
        singularName: 'selfsubjectaccessreview',
        namespaced: false,
        kind: 'SelfSubjectAccessReview',
        verbs: ['create'],
      },
      {
        name: 'selfsubjectrulesreviews',
        singularName: 'selfsubjectrulesreview',
        namespaced: false,
        kind: 'SelfSubjectRulesReview',
        verbs: ['create'],
      },
    ],
  ],
  [
    'authentication.k8s.io/v1',
    [
      {
        name: 'selfsubjectreviews',
        singularName: 'selfsubjectreview',
        namespaced: false,
        kind: 'SelfSubjectReview',
        verbs: ['create'],
      },
    ],
  ],
]);
