import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';
import { fieldIssuesFromZod } from './api/zod-issues.js';
import { inputError } from './errors.js';

/**
 * An operator's YAML config file (--argocd-config, --auth-config, --forge-config), read and
 * checked against its schema. Errors name the flag, the file and the field, never a value.
 * An empty file reads as `empty` when given.
 */
export function readConfigFile<Schema extends z.ZodType>(
  flag: string,
  file: string,
  schema: Schema,
  options: { empty?: unknown } = {},
): z.output<Schema> {
  const where = `${flag} ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw inputError(
      `${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    throw inputError(`${where}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(document ?? options.empty);
  if (!parsed.success) {
    const issues = fieldIssuesFromZod(parsed.error, document);
    throw inputError(
      `${where}: ${issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}
