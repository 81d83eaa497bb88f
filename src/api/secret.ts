import { z } from 'zod';
import { namespacedObjectMetaSchema } from './meta.js';
import { userRegexProblem } from './user-regex.js';

/**
 * Kubernetes' core Secret, as Kargo uses it for credentials: labeled
 * `kargo.akuity.io/cred-type: git|helm|image|generic`, with `repoURL` (or a regular expression
 * when `repoURLIsRegex: "true"`), `username` and `password` in `data` (base64) or `stringData`.
 * Stored with `stringData` folded into `data`; the API never shows the values.
 */
const base64 = z.string().refine((value) => /^[A-Za-z0-9+/]*={0,2}$/.test(value), {
  message: 'must be base64 (or use stringData for plain text)',
});

/** What the API shows instead of each value (redactSecret), and its base64 (kube's shape). */
const MASK = '***';
const MASK_BASE64 = Buffer.from(MASK, 'utf8').toString('base64');

export const secretSchema = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: namespacedObjectMetaSchema,
    type: z.string().optional(),
    data: z.record(z.string(), base64).optional(),
    stringData: z.record(z.string(), z.string()).optional(),
    immutable: z.boolean().optional(),
  })
  .superRefine((secret, ctx) => {
    // A value read back from the API (which shows `***` for each) must not overwrite the real
    // one: an edit that round-trips a Secret (kubectl edit, replace) is refused, not destructive.
    for (const [field, values, mask] of [
      ['data', secret.data, MASK_BASE64],
      ['stringData', secret.stringData, MASK],
    ] as const)
      for (const [key, value] of Object.entries(values ?? {}))
        if (value === mask)
          ctx.addIssue({
            code: 'custom',
            path: [field, key],
            message:
              'holds "***", the mask the API shows instead of a value: write the real value, or leave the key out',
          });
    // Credentials with `repoURLIsRegex: "true"` hold an RE2 pattern (see user-regex.ts).
    const read = (key: string) =>
      secret.stringData?.[key] !== undefined
        ? { field: 'stringData', value: secret.stringData[key] }
        : secret.data?.[key] !== undefined
          ? { field: 'data', value: Buffer.from(secret.data[key], 'base64').toString('utf8') }
          : undefined;
    const repoURL = read('repoURL');
    if (read('repoURLIsRegex')?.value !== 'true' || repoURL === undefined) return;
    const problem = userRegexProblem(repoURL.value);
    if (problem)
      ctx.addIssue({ code: 'custom', path: [repoURL.field, 'repoURL'], message: problem });
  })
  .transform(({ stringData, ...secret }) => {
    if (!stringData) return secret;
    const data = { ...secret.data };
    for (const [key, value] of Object.entries(stringData))
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    return { ...secret, data };
  });

export type Secret = z.output<typeof secretSchema>;

export const CRED_TYPE_LABEL = 'kargo.akuity.io/cred-type';

/** A Secret as the API shows it: its keys, never its values. */
export function redactSecret<T extends { data?: Record<string, string> | undefined }>(
  secret: T,
): T {
  if (!secret.data) return secret;
  return {
    ...secret,
    data: Object.fromEntries(Object.keys(secret.data).map((key) => [key, '***'])),
  };
}

/** A Secret's decoded value for `key`, if present. */
export function secretValue(secret: object, key: string): string | undefined {
  const data = (secret as { data?: Record<string, string> }).data;
  const encoded = data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}
