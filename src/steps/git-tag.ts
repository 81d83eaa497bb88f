import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { identityEnv, runGit } from '../git/git-cli.js';
import { gitRefName } from './git-ref-name.js';
import { asStepError } from './git-step-errors.js';

/** git-tag: creates an annotated tag at HEAD (git-push with `tag` publishes it). Output `commit`. */
export const gitTagStep = defineStep({
  kind: 'git-tag',
  description: 'Create an annotated tag at HEAD of a working tree',
  // Not strict: Kargo's git-tag schema alone allows (and ignores) other keys.
  configSchema: z.object({
    path: z.string().min(1).describe('The working tree'),
    tag: gitRefName.describe('The tag to create'),
    message: z.string().min(1).describe('The tag message (required, as in Kargo)'),
    force: z.boolean().optional().describe('Replace an existing tag of that name'),
  }),
  capabilities: ['git'],
  async run(context, config) {
    const cwd = context.workDir.gitWorkTree(config.path);
    try {
      const env = await identityEnv(cwd);
      await runGit(
        ['tag', '--annotate', ...(config.force ? ['--force'] : []), '--file', '-', config.tag],
        { cwd, env, input: config.message },
      );
      const commit = (await runGit(['rev-parse', 'HEAD'], { cwd })).trim();
      context.log(`tagged ${commit.slice(0, 7)} as ${config.tag}`);
      return { status: 'Succeeded', output: { tag: config.tag, commit } };
    } catch (err) {
      throw asStepError(err, `could not tag ${config.path}`);
    }
  },
});
