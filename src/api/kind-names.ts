/**
 * The names and scope of every kind, without their schemas: what the CLI needs to turn
 * `promo` into Promotion and build a URL, without loading zod and every schema.
 */
import { ARGO_API_VERSION, KARGO_API_VERSION, KARGO_RBAC_API_VERSION } from './api-versions.js';

export interface KindName {
  kind: string;
  apiVersion: string;
  /** The API group, used in `stage.kargo.akuity.io/dev created`. */
  group: string;
  /** REST path segment and CLI plural. */
  plural: string;
  singular: string;
  /** Other names the CLI accepts (Kargo's and kubectl's short names). */
  aliases: string[];
  /** Namespaced kinds live in a project (metadata.namespace is the project name). */
  namespaced: boolean;
  /** The API never shows this kind's values (Secrets). */
  redacted?: boolean;
}

const KARGO_GROUP = 'kargo.akuity.io';
const ARGO_GROUP = 'argoproj.io';

/** Every kind, in the order `apply` writes them when a batch mixes kinds. */
export const KIND_NAMES: readonly KindName[] = [
  {
    kind: 'Project',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'projects',
    singular: 'project',
    aliases: [],
    namespaced: false,
  },
  {
    kind: 'ProjectConfig',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'projectconfigs',
    singular: 'projectconfig',
    aliases: [],
    namespaced: true,
  },
  {
    kind: 'ClusterPromotionTask',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'clusterpromotiontasks',
    singular: 'clusterpromotiontask',
    aliases: ['clusterpromotask', 'clusterpromotasks'],
    namespaced: false,
  },
  {
    kind: 'PromotionTask',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'promotiontasks',
    singular: 'promotiontask',
    aliases: ['promotask', 'promotasks'],
    namespaced: true,
  },
  {
    kind: 'ClusterAnalysisTemplate',
    apiVersion: ARGO_API_VERSION,
    group: ARGO_GROUP,
    plural: 'clusteranalysistemplates',
    singular: 'clusteranalysistemplate',
    aliases: ['cat'],
    namespaced: false,
  },
  {
    kind: 'AnalysisTemplate',
    apiVersion: ARGO_API_VERSION,
    group: ARGO_GROUP,
    plural: 'analysistemplates',
    singular: 'analysistemplate',
    aliases: ['at'],
    namespaced: true,
  },
  {
    kind: 'Warehouse',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'warehouses',
    singular: 'warehouse',
    aliases: [],
    namespaced: true,
  },
  {
    kind: 'Stage',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'stages',
    singular: 'stage',
    aliases: [],
    namespaced: true,
  },
  {
    kind: 'Freight',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'freight',
    singular: 'freight',
    aliases: ['freights'],
    namespaced: true,
  },
  {
    kind: 'Secret',
    apiVersion: 'v1',
    group: '',
    plural: 'secrets',
    singular: 'secret',
    aliases: [],
    namespaced: true,
    redacted: true,
  },
  {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    group: '',
    plural: 'configmaps',
    singular: 'configmap',
    aliases: ['cm'],
    namespaced: true,
  },
  {
    kind: 'Role',
    apiVersion: KARGO_RBAC_API_VERSION,
    group: 'rbac.kargo.akuity.io',
    plural: 'roles',
    singular: 'role',
    aliases: [],
    namespaced: true,
  },
  {
    kind: 'Promotion',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'promotions',
    singular: 'promotion',
    aliases: ['promo', 'promos'],
    namespaced: true,
  },
];

const byKind = new Map(KIND_NAMES.map((info) => [info.kind, info]));
const byName = new Map<string, KindName>();
for (const info of KIND_NAMES) {
  for (const name of [info.kind.toLowerCase(), info.plural, info.singular, ...info.aliases]) {
    byName.set(name, info);
    if (info.group) byName.set(`${name}.${info.group}`, info);
  }
}

export function kindName(kind: string): KindName | undefined {
  return byKind.get(kind);
}

/**
 * The kind a user means by `name`: a kind, singular, plural or short name, any case,
 * optionally qualified by its group (`stages.kargo.akuity.io`).
 */
export function resolveKindName(name: string): KindName | undefined {
  return byName.get(name.toLowerCase());
}

export function knownKindNames(): string {
  return KIND_NAMES.map((info) => info.kind).join(', ');
}

/** The order in which a batch writes kinds, so Projects exist before what they contain. */
export function kindOrder(kind: string): number {
  const index = KIND_NAMES.findIndex((info) => info.kind === kind);
  return index < 0 ? KIND_NAMES.length : index;
}
