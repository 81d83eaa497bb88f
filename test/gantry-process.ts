import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let buildIsCurrent: boolean | undefined;

/**
 * The arguments to `node` that run the real `gantry` command: the build in dist/ when it is
 * newer than every source file (as `npm ci` leaves it: it builds), else the TypeScript sources
 * through tsx, so that a test never runs a stale build and needs none. A process from the build
 * starts in a third of the CPU time (tsx compiles some 500 modules on every start).
 */
export function gantryCommand(): string[] {
  buildIsCurrent ??= isBuildCurrent();
  return buildIsCurrent
    ? [join(ROOT, 'bin/gantry.js')]
    : ['--import', 'tsx', join(ROOT, 'src/cli/gantry.ts')];
}

function isBuildCurrent(): boolean {
  let built: number;
  try {
    built = statSync(join(ROOT, 'dist/cli/gantry.js')).mtimeMs;
  } catch {
    return false;
  }
  const newerSource = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return newerSource(path);
      return (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        statSync(path).mtimeMs > built
      );
    });
  return !newerSource(join(ROOT, 'src'));
}

/**
 * Runs the real `gantry` command in a child process (`gantryCommand`: the current build, else
 * the sources through tsx), so tests exercise the same code as `npx gantry`.
 */
export function spawnGantry(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, [...gantryCommand(), ...args], {
    cwd: options.cwd ?? ROOT,
    // Never the CLI config of whoever runs the tests.
    env: { ...process.env, GANTRY_CONFIG: '/nonexistent/gantry-test-config', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export interface GantryServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  /** The initial admin token the server wrote into its data dir (what the local CLI uses). */
  adminToken: string | undefined;
  /** `Authorization` header with the admin token. */
  auth: Record<string, string>;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `gantry server` and waits until it is serving. With `port` 0 (best: no other process
 * can take the port between choosing and binding it) the system picks the port, and the URL is
 * read from the server's "gantry is serving url=…" log line.
 */
export async function startGantryServer(
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<GantryServerProcess> {
  const child = spawnGantry(['server', '--port', String(port), ...args], { env });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let url = port === 0 ? '' : `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!url) url = /gantry is serving url=(http:\/\/\S+)/.exec(log)?.[1] ?? '';
    try {
      if (!url) throw new Error('not serving yet');
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`gantry server exited early:\n${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gantry server did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const dataDir = args.includes('--data-dir')
    ? args[args.indexOf('--data-dir') + 1]
    : env.GANTRY_DATA_DIR;
  let adminToken: string | undefined;
  try {
    adminToken = dataDir
      ? readFileSync(join(dataDir, 'initial-admin-token'), 'utf8').trim()
      : undefined;
  } catch {
    adminToken = undefined; // a replica whose peer created the token, or a store with admins
  }
  return {
    url,
    child,
    log: () => log,
    exited,
    adminToken,
    auth: adminToken ? { authorization: `Bearer ${adminToken}` } : {},
  };
}

export { ROOT };
