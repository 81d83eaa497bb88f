import { z } from 'zod';
import { namespacedObjectMetaSchema } from './meta.js';

/**
 * Kubernetes' core ConfigMap, as Kargo's `configMap()` and `sharedConfigMap()` expression
 * functions read it: `data` (strings) and `binaryData` (base64), with keys as Kubernetes allows
 * them (`[-._a-zA-Z0-9]+`, not `.` or `..`), a key in one of the two only, and at most 1 MiB in
 * all. Unlike a Secret's, its values are shown by the API.
 */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_BYTES = 1024 * 1024;

/** Kubernetes' IsConfigMapKey, with its wording. */
export function configKeyProblem(key: string): string | undefined {
  if (key.length > 253) return 'must be no more than 253 characters';
  if (!CONFIG_KEY.test(key))
    return "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name', or 'KEY_NAME', or 'key-name')";
  if (key === '.' || key === '..') return `must not be '${key}'`;
  return undefined;
}

const base64 = z.string().refine((value) => /^[A-Za-z0-9+/]*={0,2}$/.test(value), {
  message: 'must be base64 (put text in data instead)',
});

export const configMapSchema = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: namespacedObjectMetaSchema,
    data: z.record(z.string(), z.string()).optional(),
    binaryData: z.record(z.string(), base64).optional(),
    immutable: z.boolean().optional(),
  })
  .superRefine((configMap, ctx) => {
    let bytes = 0;
    for (const field of ['data', 'binaryData'] as const) {
      for (const [key, value] of Object.entries(configMap[field] ?? {})) {
        const problem = configKeyProblem(key);
        if (problem) ctx.addIssue({ code: 'custom', path: [field, key], message: problem });
        bytes +=
          key.length +
          (field === 'data' ? Buffer.byteLength(value) : Buffer.from(value, 'base64').length);
      }
    }
    for (const key of Object.keys(configMap.binaryData ?? {})) {
      if (configMap.data && Object.hasOwn(configMap.data, key))
        ctx.addIssue({
          code: 'custom',
          path: ['binaryData', key],
          message: `duplicate of key "${key}" in data: a key belongs to data or binaryData, not both`,
        });
    }
    if (bytes > MAX_BYTES)
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: `${bytes} bytes of data; a ConfigMap holds at most ${MAX_BYTES} (1 MiB, as in Kubernetes)`,
      });
  });

export type ConfigMap = z.output<typeof configMapSchema>;
