import { rmSync } from 'node:fs';
import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { transientError } from '../engine/step-error.js';
import type { GitCredentials } from '../git/credentials.js';
import { GitError } from '../git/git-error.js';
import { identityEnv, runGit } from '../git/git-cli.js';
import { gitRefName } from './git-ref-name.js';
import { asStepError } from './git-step-errors.js';

/** Kargo's schema lets branch, commit, tag and as be empty strings, meaning unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** Kargo's commit identity: name and email required together, email well-formed. */
export const gitAuthorSchema = z.strictObject({
  name: z.string().min(1).describe('The author name'),
  email: z.email({ message: 'not a valid email address' }).describe('The author email'),
  signingKey: z.string().optional().describe('GPG signing key (not supported by Gantry)'),
});

const checkoutSchema = z
  .strictObject({
    branch: unsetWhenEmpty(gitRefName).describe(
      'Branch to check out (default: the repository default branch)',
    ),
    commit: unsetWhenEmpty(gitRefName).describe('Commit to check out, detached'),
    tag: unsetWhenEmpty(gitRefName).describe('Tag to check out, detached'),
    create: z
      .boolean()
      .optional()
      .describe(
        'With branch: start an empty orphan branch if the repository has none (ignored without branch, as in Kargo)',
      ),
    path: z
      .string()
      .min(1)
      .describe('Where the working tree goes, relative to the working directory'),
    as: unsetWhenEmpty(z.string()).describe(
      'Key of this checkout in the commits output (default: path)',
    ),
    sparse: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Limit the working tree to these paths'),
  })
  // Checked even when another field is wrong, as Kargo's schema reports both.
  .superRefine(
    (checkout: unknown, ctx) => {
      if (typeof checkout !== 'object' || checkout === null) return;
      const fields = checkout as Record<string, unknown>;
      const refs = (['branch', 'commit', 'tag'] as const).filter(
        (key) => fields[key] !== undefined && fields[key] !== '',
      );
      if (refs.length > 1)
        ctx.addIssue({
          code: 'custom',
          message: `set at most one of branch, commit and tag (found ${refs.join(', ')})`,
        });
    },
    { when: () => true },
  );

export const gitCloneConfigSchema = z
  .strictObject({
    repoURL: z.string().min(1).describe('The repository to clone'),
    checkout: z.array(checkoutSchema).min(1).describe('What to check out, and where'),
    insecureSkipTLSVerify: z.boolean().optional().describe('Skip TLS verification'),
    author: gitAuthorSchema
      .optional()
      .describe('Commit identity for later git-commit steps in these working trees'),
    blobless: z
      .boolean()
      .optional()
      .describe(
        "Kargo's partial-clone switch; Gantry's shared mirror makes it unnecessary and ignores it",
      ),
    recurseSubmodules: z.boolean().optional().describe('Also check out submodules'),
  })
  .superRefine((config, ctx) => {
    // Aliases are the keys of the commits output: Kargo refuses duplicates.
    const seen = new Set<string>();
    for (const [index, checkout] of config.checkout.entries()) {
      if (checkout.as === undefined) continue;
      if (seen.has(checkout.as))
        ctx.addIssue({
          code: 'custom',
          path: ['checkout', index, 'as'],
          message: `duplicate checkout alias "${checkout.as}" at checkout[${index}]`,
        });
      seen.add(checkout.as);
    }
  });

/**
 * git-clone: checks out one or more revisions of a repository into working trees. Working trees
 * come from Gantry's shared mirror of the repository, so only new objects are downloaded.
 * Output `commits`: the checked-out commit per checkout (`as`, or its path).
 */
export const gitCloneStep = defineStep({
  kind: 'git-clone',
  description: 'Clone a repository and check out branches, commits or tags into paths',
  configSchema: gitCloneConfigSchema,
  capabilities: ['git', 'credentials'],
  defaultErrorThreshold: 3,
  async run(context, config) {
    const credentials = await context.credentialsFor(config.repoURL);
    const commits: Record<string, string> = {};
    for (const [index, checkout] of config.checkout.entries()) {
      // The entry itself (a link there is replaced), and never inside a .git directory.
      const path = context.workDir.resolve(checkout.path, `checkout[${index}].path`, {
        entry: true,
        write: true,
      });
      // Re-running after a crash starts the checkout over.
      rmSync(path, { recursive: true, force: true });
      try {
        let head = await context.repositories.checkout(
          config.repoURL,
          {
            path,
            branch: checkout.branch,
            commit: checkout.commit,
            tag: checkout.tag,
            create: checkout.create,
            // A plan's trees are thrown away afterwards: as an owner of its own (no project
            // name holds a colon) it never takes, and so never uses up, a tree a promotion of
            // the project left for the next one.
            owner: context.plan ? `plan:${context.project}` : context.project,
          },
          credentials,
          context.signal,
        );
        await context.repositories.configureWorkTree(path, {
          author: config.author,
          sparse: checkout.sparse,
          submodules: config.recurseSubmodules,
          credentials,
        });
        // A plan's tree cannot push, whatever a step does in it: its push URL names a
        // transport git refuses at once (git-push plans from the fetched refs instead).
        if (context.plan)
          await runGit(['config', 'remote.origin.pushurl', PLAN_PUSH_URL], { cwd: path });
        if (head === '' && checkout.branch && checkout.create)
          head = await startBranch(context, path, checkout.branch, config.repoURL, credentials);
        commits[checkout.as ?? checkout.path] = head;
        context.log(
          `checked out ${describeRef(checkout)} of ${config.repoURL} into ${checkout.path}${head ? ` at ${head.slice(0, 7)}` : ' (new empty branch)'}`,
        );
      } catch (err) {
        // Git's messages (and the cache's) already name the repository.
        throw asStepError(err);
      }
    }
    return { status: 'Succeeded', output: { commits } };
  },
});

/**
 * As Kargo's ensureRemoteBranch: a branch that `create` starts gets an empty "Initial commit"
 * (by the step's author), pushed at once so the branch exists on the remote; the commit is
 * the checkout's output. A plan makes the commit in its own tree and pushes nothing. When
 * someone else created the branch meanwhile the push is refused: a transient error, so the
 * retry checks the branch out as it now is.
 */
async function startBranch(
  context: StepContext,
  cwd: string,
  branch: string,
  url: string,
  credentials: GitCredentials | undefined,
): Promise<string> {
  const env = await identityEnv(cwd);
  await runGit(['commit', '--quiet', '--allow-empty', '--message', 'Initial commit'], {
    cwd,
    env,
  });
  const commit = (await runGit(['rev-parse', 'HEAD'], { cwd })).trim();
  if (context.plan) {
    context.log(`plan: would push an empty "Initial commit" to start branch ${branch} of ${url}`);
    return commit;
  }
  try {
    await context.repositories.withPushLock(url, branch, () =>
      runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], {
        cwd,
        credentials,
        askpass: context.repositories.askpass,
        signal: context.signal,
        allowFileProtocol: context.repositories.allowsLocalRepositories,
      }),
    );
  } catch (err) {
    if (err instanceof GitError && err.pushRejected)
      throw transientError(
        `branch ${branch} of ${url} was created by someone else meanwhile; checking it out again`,
        err,
      );
    throw err;
  }
  context.log(
    `started branch ${branch} of ${url} with an empty initial commit ${commit.slice(0, 7)}`,
  );
  return commit;
}

/** The push URL of a plan's trees: no transport of that name is ever allowed. */
const PLAN_PUSH_URL = 'gantry-plan::a-plan-pushes-nothing';

function describeRef(checkout: z.output<typeof checkoutSchema>): string {
  if (checkout.commit) return `commit ${checkout.commit}`;
  if (checkout.tag) return `tag ${checkout.tag}`;
  return checkout.branch ? `branch ${checkout.branch}` : 'the default branch';
}
