import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { gitAuthorSchema } from './git-clone.js';
import { identityEnv, runGit } from '../git/git-cli.js';
import { asStepError } from './git-step-errors.js';

export const gitCommitConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The working tree to commit, relative to the working directory'),
  message: z.string().min(1).describe('The commit message'),
  author: gitAuthorSchema
    .optional()
    .describe(
      'Commit identity (Kargo deprecated this in favour of git-clone author; still honoured)',
    ),
});

/**
 * git-commit: commits every change in a working tree. When nothing changed it makes no commit
 * and ends Skipped, as Kargo's does (re-running after a crash is safe). Output `commit`: the new (or unchanged) HEAD.
 */
export const gitCommitStep = defineStep({
  kind: 'git-commit',
  description: 'Commit all changes in a working tree',
  configSchema: gitCommitConfigSchema,
  capabilities: ['git'],
  async run(context, config) {
    const cwd = context.workDir.gitWorkTree(config.path);
    try {
      await runGit(['add', '--all'], { cwd });
      const status = await runGit(['status', '--porcelain'], { cwd });
      if (status.trim() === '') {
        const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd }).then(
          (v) => v.trim(),
          () => '',
        );
        // Kargo: Skipped, with the unchanged HEAD as the output.
        context.log('nothing to commit');
        return { status: 'Skipped', output: { commit: head } };
      }
      const env = await identityEnv(cwd);
      if (config.author?.name) {
        env.GIT_AUTHOR_NAME = config.author.name;
        env.GIT_COMMITTER_NAME = config.author.name;
      }
      if (config.author?.email) {
        env.GIT_AUTHOR_EMAIL = config.author.email;
        env.GIT_COMMITTER_EMAIL = config.author.email;
      }
      await runGit(['commit', '--quiet', '--file', '-'], { cwd, env, input: config.message });
      const commit = (await runGit(['rev-parse', 'HEAD'], { cwd })).trim();
      context.log(`committed ${commit.slice(0, 7)}: ${config.message.split('\n')[0]}`);
      return { status: 'Succeeded', output: { commit } };
    } catch (err) {
      throw asStepError(err, `could not commit in ${config.path}`);
    }
  },
});
