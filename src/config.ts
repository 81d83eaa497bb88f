import { resolve } from 'node:path';
import { z } from 'zod';
import { isDuration, parseDuration } from './api/duration.js';
import {
  argoCdConfigFromEnv,
  loadArgoCdConfig,
  type ArgoCdInstanceConfig,
} from './argocd-config.js';
import { inputError, type FieldIssue } from './errors.js';

/**
 * Server configuration, from flags first and environment variables second. Every value is
 * validated here, once; a bad one is reported with the flag and variable that set it.
 */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  store: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: 'text' | 'json';
  /** The floor under every Warehouse's discovery interval (ms). */
  minWarehouseIntervalMs: number;
  /** Requests in flight at once per container registry, for all Warehouses together. */
  registryConcurrency: number;
  /** How the world reaches this server (webhook URLs); default: the address it listens on. */
  externalUrl?: string | undefined;
  /** Garbage collection: unused Freight kept per Warehouse, finished Promotions per Stage. */
  keepFreight: number;
  keepPromotions: number;
  /** The Argo CD control planes argocd steps and Stage health reach; none by default. */
  argocd: ArgoCdInstanceConfig[];
  /** How often the health of Stages with Argo CD apps is looked at (ms). */
  healthIntervalMs: number;
}

export interface ServerFlags {
  host?: string | undefined;
  port?: string | undefined;
  dataDir?: string | undefined;
  store?: string | undefined;
  logLevel?: string | undefined;
  logFormat?: string | undefined;
  minWarehouseInterval?: string | undefined;
  registryConcurrency?: string | undefined;
  externalUrl?: string | undefined;
  keepFreight?: string | undefined;
  keepPromotions?: string | undefined;
  argocdConfig?: string | undefined;
  healthInterval?: string | undefined;
}

const SOURCES: Record<keyof ServerFlags, { flag: string; env: string }> = {
  host: { flag: '--host', env: 'GANTRY_HOST' },
  port: { flag: '--port', env: 'GANTRY_PORT' },
  dataDir: { flag: '--data-dir', env: 'GANTRY_DATA_DIR' },
  store: { flag: '--store', env: 'GANTRY_STORE' },
  logLevel: { flag: '--log-level', env: 'GANTRY_LOG_LEVEL' },
  logFormat: { flag: '--log-format', env: 'GANTRY_LOG_FORMAT' },
  minWarehouseInterval: {
    flag: '--min-warehouse-interval',
    env: 'GANTRY_MIN_WAREHOUSE_INTERVAL',
  },
  registryConcurrency: { flag: '--registry-concurrency', env: 'GANTRY_REGISTRY_CONCURRENCY' },
  externalUrl: { flag: '--external-url', env: 'GANTRY_EXTERNAL_URL' },
  keepFreight: { flag: '--keep-freight', env: 'GANTRY_KEEP_FREIGHT' },
  keepPromotions: { flag: '--keep-promotions', env: 'GANTRY_KEEP_PROMOTIONS' },
  argocdConfig: { flag: '--argocd-config', env: 'GANTRY_ARGOCD_CONFIG' },
  healthInterval: { flag: '--health-interval', env: 'GANTRY_HEALTH_INTERVAL' },
};

const fields = {
  host: z.string().min(1),
  port: z
    .string()
    .regex(/^\d+$/, { message: 'must be a port number (0-65535)' })
    .transform(Number)
    .refine((n) => n <= 65535, { message: 'must be a port number (0-65535)' }),
  dataDir: z.string().min(1),
  store: z.string().refine((value) => value === 'sqlite' || /^postgres(ql)?:\/\/./.test(value), {
    message: 'must be "sqlite" or a postgres:// connection URL',
  }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  logFormat: z.enum(['text', 'json']),
  minWarehouseInterval: z
    .string()
    .refine(isDuration, { message: 'must be a duration such as 30s, 5m or 1h' })
    .transform((text) => parseDuration(text) ?? 0),
  registryConcurrency: z
    .string()
    .regex(/^[1-9]\d*$/, { message: 'must be a whole number of at least 1' })
    .transform(Number),
  externalUrl: z.string().refine((value) => value === '' || /^https?:\/\/[^/]+/.test(value), {
    message: 'must be an http(s):// URL such as https://gantry.example.com',
  }),
  keepFreight: z.string().regex(/^\d+$/, { message: 'must be a whole number' }).transform(Number),
  keepPromotions: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number),
  argocdConfig: z.string(),
  healthInterval: z
    .string()
    .refine((text) => isDuration(text) && (parseDuration(text) ?? 0) >= 1_000, {
      message: 'must be a duration of at least 1s, such as 10s',
    })
    .transform((text) => parseDuration(text) ?? 10_000),
} satisfies Record<keyof ServerFlags, z.ZodType>;

const DEFAULTS: Required<Record<keyof ServerFlags, string>> = {
  host: '127.0.0.1',
  port: '8080',
  dataDir: './.gantry',
  store: 'sqlite',
  logLevel: 'info',
  logFormat: 'text',
  minWarehouseInterval: '30s',
  registryConcurrency: '8',
  externalUrl: '',
  keepFreight: '50',
  keepPromotions: '20',
  argocdConfig: '',
  healthInterval: '10s',
};

export function resolveServerConfig(
  flags: ServerFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(SOURCES) as Array<keyof ServerFlags>) {
    const { flag, env: envName } = SOURCES[key];
    const fromFlag = flags[key];
    const fromEnv = env[envName];
    const raw = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULTS[key]);
    const parsed = fields[key].safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const where = fromFlag !== undefined ? flag : fromEnv ? envName : `default of ${flag}`;
      issues.push({
        path: where,
        message: `${parsed.error.issues[0]?.message ?? 'invalid'} (got "${raw}")`,
      });
    }
  }
  if (issues.length > 0) {
    throw inputError(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), issues);
  }
  const dataDir = resolve(values.dataDir as string);
  const storeValue = values.store as string;
  return {
    host: values.host as string,
    port: values.port as number,
    dataDir,
    store:
      storeValue === 'sqlite'
        ? { kind: 'sqlite', path: resolve(dataDir, 'gantry.db') }
        : { kind: 'postgres', url: storeValue },
    logLevel: values.logLevel as ServerConfig['logLevel'],
    logFormat: values.logFormat as ServerConfig['logFormat'],
    minWarehouseIntervalMs: values.minWarehouseInterval as number,
    registryConcurrency: values.registryConcurrency as number,
    externalUrl: (values.externalUrl as string).replace(/\/+$/, '') || undefined,
    keepFreight: values.keepFreight as number,
    keepPromotions: values.keepPromotions as number,
    argocd:
      values.argocdConfig === ''
        ? argoCdConfigFromEnv(env)
        : loadArgoCdConfig(values.argocdConfig as string, env),
    healthIntervalMs: values.healthInterval as number,
  };
}
