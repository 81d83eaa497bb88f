import type { z } from 'zod';
import { analysisTemplateSchema, clusterAnalysisTemplateSchema } from './analysis-template.js';
import { freightSchema, freightStatusSchema } from './freight.js';
import { ARGO_API_VERSION, KARGO_API_VERSION } from './meta.js';
import { projectSchema, projectStatusSchema } from './project.js';
import { projectConfigSchema, projectConfigStatusSchema } from './project-config.js';
import { promotionSchema, promotionStatusSchema } from './promotion.js';
import { clusterPromotionTaskSchema, promotionTaskSchema } from './promotion-task.js';
import { stageSchema, stageStatusSchema } from './stage.js';
import { warehouseSchema, warehouseStatusSchema } from './warehouse.js';

/** Everything Gantry knows about one kind: names, scope and schemas. */
export interface KindInfo {
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
  /** The manifest schema: strict, with Kargo's defaults. */
  schema: z.ZodType;
  /** The status sub-resource schema, when the kind has one. */
  statusSchema?: z.ZodType | undefined;
}

const KARGO_GROUP = 'kargo.akuity.io';
const ARGO_GROUP = 'argoproj.io';

/** Every kind, in the order `apply` writes them when a batch mixes kinds. */
export const KINDS: readonly KindInfo[] = [
  {
    kind: 'Project',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'projects',
    singular: 'project',
    aliases: [],
    namespaced: false,
    schema: projectSchema,
    statusSchema: projectStatusSchema,
  },
  {
    kind: 'ProjectConfig',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'projectconfigs',
    singular: 'projectconfig',
    aliases: [],
    namespaced: true,
    schema: projectConfigSchema,
    statusSchema: projectConfigStatusSchema,
  },
  {
    kind: 'ClusterPromotionTask',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'clusterpromotiontasks',
    singular: 'clusterpromotiontask',
    aliases: ['clusterpromotask', 'clusterpromotasks'],
    namespaced: false,
    schema: clusterPromotionTaskSchema,
  },
  {
    kind: 'PromotionTask',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'promotiontasks',
    singular: 'promotiontask',
    aliases: ['promotask', 'promotasks'],
    namespaced: true,
    schema: promotionTaskSchema,
  },
  {
    kind: 'ClusterAnalysisTemplate',
    apiVersion: ARGO_API_VERSION,
    group: ARGO_GROUP,
    plural: 'clusteranalysistemplates',
    singular: 'clusteranalysistemplate',
    aliases: ['cat'],
    namespaced: false,
    schema: clusterAnalysisTemplateSchema,
  },
  {
    kind: 'AnalysisTemplate',
    apiVersion: ARGO_API_VERSION,
    group: ARGO_GROUP,
    plural: 'analysistemplates',
    singular: 'analysistemplate',
    aliases: ['at'],
    namespaced: true,
    schema: analysisTemplateSchema,
  },
  {
    kind: 'Warehouse',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'warehouses',
    singular: 'warehouse',
    aliases: [],
    namespaced: true,
    schema: warehouseSchema,
    statusSchema: warehouseStatusSchema,
  },
  {
    kind: 'Stage',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'stages',
    singular: 'stage',
    aliases: [],
    namespaced: true,
    schema: stageSchema,
    statusSchema: stageStatusSchema,
  },
  {
    kind: 'Freight',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'freight',
    singular: 'freight',
    aliases: ['freights'],
    namespaced: true,
    schema: freightSchema,
    statusSchema: freightStatusSchema,
  },
  {
    kind: 'Promotion',
    apiVersion: KARGO_API_VERSION,
    group: KARGO_GROUP,
    plural: 'promotions',
    singular: 'promotion',
    aliases: ['promo', 'promos'],
    namespaced: true,
    schema: promotionSchema,
    statusSchema: promotionStatusSchema,
  },
];

const byKind = new Map(KINDS.map((info) => [info.kind, info]));
const byName = new Map<string, KindInfo>();
for (const info of KINDS) {
  for (const name of [info.kind.toLowerCase(), info.plural, info.singular, ...info.aliases]) {
    byName.set(name, info);
    byName.set(`${name}.${info.group}`, info);
  }
}

/** The kind with this exact `kind` value (`Stage`), if Gantry knows it. */
export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/**
 * The kind a user means by `name`: a kind, singular, plural or short name, any case,
 * optionally qualified by its group (`stages.kargo.akuity.io`).
 */
export function resolveKindName(name: string): KindInfo | undefined {
  return byName.get(name.toLowerCase());
}

export function knownKindNames(): string {
  return KINDS.map((info) => info.kind).join(', ');
}

/** The order in which a batch writes kinds, so Projects exist before what they contain. */
export function kindOrder(kind: string): number {
  const index = KINDS.findIndex((info) => info.kind === kind);
  return index < 0 ? KINDS.length : index;
}
