import type { Context } from 'hono';
import { inputError } from '../errors.js';

/**
 * The query parameters of the Kubernetes API's writes (CreateOptions, UpdateOptions,
 * PatchOptions, DeleteOptions), read as kube-apiserver reads them. Parameters it does not
 * know are ignored, as kube-apiserver ignores them.
 */
export interface KubeWriteOptions {
  /** `dryRun=All`: everything is checked, nothing is written. */
  dryRun: boolean;
  /** What to do with fields the kind does not have (kube-apiserver's default: Warn). */
  fieldValidation: FieldValidation;
  /** Who makes the change, for metadata.managedFields. */
  manager: string;
  /** Whether `fieldManager` was given (server-side apply requires it). */
  managerGiven: boolean;
  /** `force=true` (server-side apply only). */
  force: boolean | undefined;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

const MAX_MANAGER_LENGTH = 128;

export function kubeWriteOptions(c: Context, kind: string): KubeWriteOptions {
  const dryRuns = c.req.queries('dryRun') ?? [];
  for (const value of dryRuns)
    if (value !== 'All')
      throw inputError(
        `${kind} "" is invalid: dryRun: Unsupported value: "${value}": supported values: "All"`,
        [{ path: 'dryRun', message: 'supported values: "All"' }],
      );
  const validation = c.req.query('fieldValidation') ?? '';
  if (validation !== '' && !['Strict', 'Warn', 'Ignore'].includes(validation))
    throw inputError(
      `fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Strict", "Warn"`,
      [{ path: 'fieldValidation', message: 'Ignore, Strict or Warn' }],
    );
  const given = c.req.query('fieldManager') ?? '';
  if (given.length > MAX_MANAGER_LENGTH)
    throw inputError(
      `${kind} "" is invalid: fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`,
      [{ path: 'fieldManager', message: `at most ${MAX_MANAGER_LENGTH} characters` }],
    );
  if ([...given].some((ch) => ch < ' ' || ch > '~'))
    throw inputError(
      `${kind} "" is invalid: fieldManager: Invalid value: "${given.replace(/[^ -~]/g, '?')}": must only contain printable characters`,
      [{ path: 'fieldManager', message: 'printable characters only' }],
    );
  const force = c.req.query('force');
  if (force !== undefined && force !== 'true' && force !== 'false')
    throw inputError(`force: Invalid value: "${force}": must be true or false`, [
      { path: 'force', message: 'true or false' },
    ]);
  return {
    dryRun: dryRuns.length > 0,
    fieldValidation: (validation || 'Warn') as FieldValidation,
    manager: given || managerFromUserAgent(c.req.header('user-agent')),
    managerGiven: given !== '',
    force: force === undefined ? undefined : force === 'true',
  };
}

/**
 * kube-apiserver's default field manager when a request names none: the User-Agent up to its
 * first "/" (`kubectl/v1.32.0 (linux/amd64) kubernetes/…` → `kubectl`), at most 128 characters.
 * kubectl itself always names one (`kubectl-edit`, `kubectl-client-side-apply`, …).
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0]!.replace(/[^ -~]/g, '');
  return prefix.slice(0, MAX_MANAGER_LENGTH) || 'unknown';
}
