import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';

/** git-clear: empties a working tree except its `.git`, for output that is regenerated whole. */
export const gitClearStep = defineStep({
  kind: 'git-clear',
  description: 'Delete everything in a working tree except .git',
  configSchema: z.strictObject({ path: z.string().min(1).describe('The working tree to clear') }),
  capabilities: [],
  run(context, config) {
    const dir = context.workDir.resolve(config.path, 'path', { write: true });
    let removed = 0;
    for (const entry of readdirSync(dir)) {
      if (entry === '.git') continue;
      rmSync(join(dir, entry), { recursive: true, force: true });
      removed++;
    }
    context.log(`cleared ${removed} entries from ${config.path}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});
