import { spawn } from 'node:child_process';
import { credentialEnv, redact, type GitCredentials } from './credentials.js';
import { classifyGitFailure, GitError } from './git-error.js';
import { allowedGitProtocols } from './remote-url-policy.js';

export interface GitRunOptions {
  cwd: string;
  credentials?: GitCredentials | undefined;
  /** Path of the askpass program (credentials.ts); needed when credentials are given. */
  askpass?: string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Extra environment, e.g. author identity. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Standard input for the command. */
  input?: string | undefined;
  /**
   * Let git use local repositories (paths, file://): Gantry's own mirrors, or remotes when the
   * operator allows local repositories. Off, git may reach only https, http, ssh and git.
   */
  allowFileProtocol?: boolean | undefined;
}

/** Identity for commits Gantry makes when neither the step nor the working tree names one. */
export const DEFAULT_AUTHOR = { name: 'Gantry', email: 'gantry@localhost' };

/** Environment giving git an identity: the working tree's configured one, else `fallback`. */
export async function identityEnv(
  cwd: string,
  fallback = DEFAULT_AUTHOR,
): Promise<NodeJS.ProcessEnv> {
  const read = (key: string) =>
    runGit(['config', '--get', key], { cwd }).then(
      (v) => v.trim(),
      () => '',
    );
  const name = (await read('user.name')) || fallback.name;
  const email = (await read('user.email')) || fallback.email;
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
  };
}

/**
 * Runs the system git. Never prompts (a missing credential fails at once), never reads the
 * user's global configuration, never uses a transport outside GIT_ALLOW_PROTOCOL (no ext::,
 * fd::, and no local repositories unless `allowFileProtocol`: a submodule or a remote pointing
 * at the server's disk is refused by git itself), and reports failures as GitErrors with
 * secrets removed.
 */
export function runGit(args: string[], options: GitRunOptions): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: options.cwd,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...options.env,
    ...(options.askpass ? credentialEnv(options.askpass, options.credentials) : {}),
    GIT_ALLOW_PROTOCOL: allowedGitProtocols(!!options.allowFileProtocol),
  };
  return new Promise((resolve, reject) => {
    // No automatic gc in the middle of a promotion, and no hooks: nothing a repository or a
    // step wrote into `.git/hooks` ever runs.
    const child = spawn('git', ['-c', 'gc.auto=0', '-c', 'core.hooksPath=/dev/null', ...args], {
      cwd: options.cwd,
      env,
      signal: options.signal,
      timeout: options.timeoutMs ?? 10 * 60_000,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => {
      reject(
        new GitError(
          `git ${args[0] ?? ''} could not run: ${redact(err.message, options.credentials)}`,
          false,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const output = redact(`${stderr}\n${stdout}`.trim(), options.credentials);
      const { transient, pushRejected } = classifyGitFailure(output);
      const reason = signal ? `was stopped (${signal})` : `failed: ${lastLines(output)}`;
      reject(
        new GitError(
          `git ${args
            .filter((a) => !a.startsWith('-c'))
            .slice(0, 2)
            .join(' ')} ${reason}`,
          transient || !!signal,
          pushRejected,
        ),
      );
    });
    // git may exit before reading its input (e.g. at once on a bad argument).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

function lastLines(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('hint:'));
  return lines.slice(-3).join('; ') || 'no output';
}
