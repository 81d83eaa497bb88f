import { readFileSync, writeFileSync } from 'node:fs';
import type { StepContext, StepOutcome } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

export interface ValueUpdate {
  key: string;
  value: unknown;
}

/**
 * The shared body of yaml-update and json-update: read the file, apply `edit`, write it back,
 * log each change and describe it in a `commitMessage` output. A missing file or an edit that
 * fails (not valid YAML/JSON, a bad key) is terminal.
 */
export function updateValues(
  context: StepContext,
  config: { path: string; updates: ValueUpdate[] },
  edit: (text: string, updates: ValueUpdate[]) => string,
): Promise<StepOutcome> {
  const file = context.workDir.resolve(config.path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw terminalError(`path: ${config.path} does not exist`);
  }
  let updated: string;
  try {
    updated = edit(text, config.updates);
  } catch (err) {
    throw terminalError(`${config.path}: ${(err as Error).message}`);
  }
  writeFileSync(file, updated);
  const lines = config.updates.map((u) => `- ${u.key}: ${JSON.stringify(u.value)}`);
  for (const line of lines) context.log(`${config.path}: set ${line.slice(2)}`);
  return Promise.resolve({
    status: 'Succeeded',
    output: { commitMessage: `Updated ${config.path}\n\n${lines.join('\n')}` },
  });
}
