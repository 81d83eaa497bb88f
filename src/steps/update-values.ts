import type { StepContext, StepOutcome } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

export interface ValueUpdate {
  key: string;
  value: unknown;
}

/**
 * The shared body of yaml-update and json-update: read the file, apply `edit`, write it back,
 * log each change and describe it in a `commitMessage` output, worded as Kargo's
 * (`Updated <path>` then `- <key>: <value>` lines, the value as `commitValue` writes it).
 * A missing file or an edit that fails (not valid YAML/JSON, a bad or missing key) is an
 * error; nothing is written then.
 */
export function updateValues(
  context: StepContext,
  config: { path: string; updates: ValueUpdate[] },
  edit: (text: string, updates: ValueUpdate[]) => string,
  commitValue: (value: unknown) => string,
): Promise<StepOutcome> {
  const text = readText(context, config.path);
  let updated: string;
  try {
    updated = edit(text, config.updates);
  } catch (err) {
    throw terminalError(`${config.path}: ${(err as Error).message}`);
  }
  context.workDir.writeFile(config.path, updated);
  const lines = config.updates.map((u) => `- ${u.key}: ${commitValue(u.value)}`);
  for (const line of lines) context.log(`${config.path}: set ${line.slice(2)}`);
  return Promise.resolve({
    status: 'Succeeded',
    output: { commitMessage: `Updated ${config.path}\n\n${lines.join('\n')}` },
  });
}

/**
 * A text file of the working directory, read as WorkDir.readFile does; a missing one is a
 * terminal error naming `field`.
 */
export function readText(context: StepContext, path: string, field = 'path'): string {
  try {
    return context.workDir.readFile(path, field).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw terminalError(`${field}: ${path} does not exist`);
    if (code === 'EISDIR') throw terminalError(`${field}: ${path} is a directory, not a file`);
    throw err;
  }
}
