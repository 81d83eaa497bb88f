import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs the real `gantry` command from the TypeScript sources in a child process (through
 * tsx), so tests exercise the same code as `npx gantry` without needing a build.
 */
export function spawnGantry(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/gantry.ts', ...args], {
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
