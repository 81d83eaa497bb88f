import { KINDS, type KindInfo } from '../api/kinds.js';

/**
 * Gantry's kinds as Kubernetes API resources: the group, version and names kubectl and other
 * Kubernetes clients know them by (Kargo's CRDs: `freights`, not Gantry's `freight`), the
 * verbs served, and the columns of server-side printing (the CRDs' additionalPrinterColumns).
 * Projects are also served as core `v1` namespaces.
 */
export interface KubeResource {
  /** '' for the core group (`/api/v1`). */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: string[];
  /** The Gantry kind behind it. */
  gantry: KindInfo;
  /** Server-side printing, after NAME (kube-apiserver adds NAME first for custom resources). */
  columns: PrinterColumn[];
  /** Has a `status` subresource. */
  status: boolean;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** A JSONPath (the subset kube-apiserver's CRD columns use; see printer-path.ts). */
  jsonPath: string;
  priority?: number;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const READY: PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];

/** Kargo v1.12's CRDs (charts/kargo/resources/crds): names and printer columns. */
const KARGO: Record<string, { plural?: string; shortNames?: string[]; columns: PrinterColumn[] }> =
  {
    Project: { columns: [...READY, AGE] },
    ProjectConfig: { columns: [...READY, AGE] },
    ClusterPromotionTask: { shortNames: ['clusterpromotask', 'clusterpromotasks'], columns: [AGE] },
    PromotionTask: { shortNames: ['promotask', 'promotasks'], columns: [AGE] },
    Warehouse: {
      columns: [{ name: 'Shard', type: 'string', jsonPath: '.spec.shard' }, AGE],
    },
    Stage: {
      columns: [
        { name: 'Shard', type: 'string', jsonPath: '.spec.shard' },
        { name: 'Current Freight', type: 'string', jsonPath: '.status.freightSummary' },
        { name: 'Health', type: 'string', jsonPath: '.status.health.status' },
        ...READY,
        AGE,
      ],
    },
    Freight: {
      plural: 'freights',
      columns: [
        { name: 'Alias', type: 'string', jsonPath: '.metadata.labels.kargo\\.akuity\\.io/alias' },
        { name: 'Origin (Kind)', type: 'string', jsonPath: '.origin.kind' },
        { name: 'Origin (Name)', type: 'string', jsonPath: '.origin.name' },
        AGE,
      ],
    },
    Promotion: {
      shortNames: ['promo', 'promos'],
      columns: [
        {
          name: 'Shard',
          type: 'string',
          jsonPath: '.metadata.labels.kargo\\.akuity\\.io/shard',
        },
        { name: 'Stage', type: 'string', jsonPath: '.spec.stage' },
        { name: 'Freight', type: 'string', jsonPath: '.spec.freight' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
        AGE,
      ],
    },
  };

/** kube-apiserver's columns for the core kinds Gantry serves (DATA, a count, is left out). */
const CORE_COLUMNS: Record<string, PrinterColumn[]> = {
  Secret: [{ name: 'Type', type: 'string', jsonPath: '.type' }, AGE],
};

function resourceOf(info: KindInfo): KubeResource {
  const [group, version] = info.apiVersion.includes('/')
    ? (info.apiVersion.split('/') as [string, string])
    : ['', info.apiVersion];
  const kargo = group === 'kargo.akuity.io' ? KARGO[info.kind] : undefined;
  return {
    group,
    version,
    kind: info.kind,
    plural: kargo?.plural ?? info.plural,
    singular: info.singular,
    shortNames:
      kargo?.shortNames ??
      info.aliases.filter((a) => a !== info.plural && a !== (kargo?.plural ?? info.plural)),
    namespaced: info.namespaced,
    verbs: VERBS,
    gantry: info,
    columns: kargo?.columns ?? CORE_COLUMNS[info.kind] ?? [AGE],
    status: info.statusSchema !== undefined,
  };
}

/** Every resource served, Projects once as themselves and once as namespaces. */
export const KUBE_RESOURCES: readonly KubeResource[] = [
  ...KINDS.map(resourceOf),
  {
    ...resourceOf(KINDS.find((k) => k.kind === 'Project')!),
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    columns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, AGE],
    status: false,
  },
];

/** The resource at `/apis/{group}/{version}/…{plural}` (group '' for `/api/v1`). */
export function kubeResource(
  group: string,
  version: string,
  plural: string,
): KubeResource | undefined {
  return KUBE_RESOURCES.find(
    (r) => r.group === group && r.version === version && r.plural === plural,
  );
}

/** The group versions served ('v1', 'kargo.akuity.io/v1alpha1', …), each with its resources. */
const GROUP_VERSIONS: ReadonlyMap<string, KubeResource[]> = (() => {
  const byGroupVersion = new Map<string, KubeResource[]>();
  for (const resource of KUBE_RESOURCES) {
    const id = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    byGroupVersion.set(id, [...(byGroupVersion.get(id) ?? []), resource]);
  }
  return byGroupVersion;
})();

export function groupVersions(): ReadonlyMap<string, KubeResource[]> {
  return GROUP_VERSIONS;
}
