import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { notFoundError } from '../errors.js';

/**
 * What a running `gantry quickstart` started, in `state.json` of its directory, so that
 * `gantry quickstart push|git|health` need no addresses.
 */
export const quickstartStateSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  project: z.string(),
  gitops: z.object({ url: z.string(), path: z.string() }),
  registry: z.object({ host: z.string(), url: z.string(), demo: z.boolean() }),
  image: z.string(),
  health: z.object({ url: z.string() }),
});

export type QuickstartState = z.infer<typeof quickstartStateSchema>;

/**
 * The quickstart's directory: `GANTRY_QUICKSTART_DIR`, else `quickstart` in the server's data
 * dir (`GANTRY_DATA_DIR`, else `./.gantry`), next to the server's store.
 */
export function quickstartDir(env: NodeJS.ProcessEnv, flag?: string): string {
  if (flag) return resolve(flag);
  if (env.GANTRY_QUICKSTART_DIR) return resolve(env.GANTRY_QUICKSTART_DIR);
  return resolve(env.GANTRY_DATA_DIR || '.gantry', 'quickstart');
}

export function writeQuickstartState(dir: string, state: QuickstartState): void {
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `state.json.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, join(dir, 'state.json'));
}

export function removeQuickstartState(dir: string): void {
  rmSync(join(dir, 'state.json'), { force: true });
}

/** The running quickstart's state; an error saying how to start one when there is none. */
export function readQuickstartState(dir: string): QuickstartState {
  const file = join(dir, 'state.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw notFoundError(
      `no quickstart is running (${file} does not exist): start one with \`npx gantry quickstart\` in another terminal`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = quickstartStateSchema.safeParse(json);
  if (!parsed.success || !isRunning(parsed.data.pid))
    throw notFoundError(
      `no quickstart is running (${file} is stale): start one with \`npx gantry quickstart\` in another terminal`,
    );
  return parsed.data;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
