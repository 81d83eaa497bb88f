import type { z } from 'zod';
import { analysisTemplateSchema, clusterAnalysisTemplateSchema } from './analysis-template.js';
import { freightSchema, freightStatusSchema } from './freight.js';
import { KIND_NAMES, type KindName } from './kind-names.js';
import { projectSchema, projectStatusSchema } from './project.js';
import { projectConfigSchema, projectConfigStatusSchema } from './project-config.js';
import { promotionSchema, promotionStatusSchema } from './promotion.js';
import { clusterPromotionTaskSchema, promotionTaskSchema } from './promotion-task.js';
import { configMapSchema } from './config-map.js';
import { secretSchema } from './secret.js';
import { roleSchema } from './role.js';
import { stageSchema, stageStatusSchema } from './stage.js';
import { warehouseSchema, warehouseStatusSchema } from './warehouse.js';

/** A kind's names and scope (kind-names.ts) with its schemas. */
export interface KindInfo extends KindName {
  /** The manifest schema: strict, with Kargo's defaults. */
  schema: z.ZodType;
  /** The status sub-resource schema, when the kind has one. */
  statusSchema?: z.ZodType | undefined;
}

const SCHEMAS: Record<string, { schema: z.ZodType; statusSchema?: z.ZodType }> = {
  Project: { schema: projectSchema, statusSchema: projectStatusSchema },
  ProjectConfig: { schema: projectConfigSchema, statusSchema: projectConfigStatusSchema },
  ClusterPromotionTask: { schema: clusterPromotionTaskSchema },
  PromotionTask: { schema: promotionTaskSchema },
  ClusterAnalysisTemplate: { schema: clusterAnalysisTemplateSchema },
  AnalysisTemplate: { schema: analysisTemplateSchema },
  Warehouse: { schema: warehouseSchema, statusSchema: warehouseStatusSchema },
  Stage: { schema: stageSchema, statusSchema: stageStatusSchema },
  Freight: { schema: freightSchema, statusSchema: freightStatusSchema },
  Promotion: { schema: promotionSchema, statusSchema: promotionStatusSchema },
  Secret: { schema: secretSchema },
  ConfigMap: { schema: configMapSchema },
  Role: { schema: roleSchema },
};

/** Every kind with its schemas, in the order `apply` writes them (Projects first). */
export const KINDS: readonly KindInfo[] = KIND_NAMES.map((names) => {
  const schemas = SCHEMAS[names.kind];
  if (!schemas) throw new Error(`no schema for kind ${names.kind}`);
  return { ...names, ...schemas };
});

const byKind = new Map(KINDS.map((info) => [info.kind, info]));

/** The kind with this exact `kind` value (`Stage`), if Gantry knows it. */
export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

export { knownKindNames, kindOrder } from './kind-names.js';
