import { fieldIssuesFromZod } from '../api/zod-issues.js';
import type { StepDefinition } from './step.js';
import { terminalError } from './step-error.js';

/**
 * Checks a step's config (after expressions were evaluated) against the step's schema. A bad
 * config is terminal: retrying cannot fix it. The message names every bad field:
 * `invalid config for git-push: targetBranch: expected a string, got a number (42)`.
 */
export function parseStepConfig<T>(step: StepDefinition, config: unknown): T {
  const parsed = step.configSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data as T;
  const problems = fieldIssuesFromZod(parsed.error, config ?? {}).map(
    (issue) => `${issue.path ? `${issue.path}: ` : ''}${issue.message}`,
  );
  throw terminalError(`invalid config for ${step.kind}: ${problems.join('; ')}`);
}
