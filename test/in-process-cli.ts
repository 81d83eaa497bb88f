import { runCli } from '../src/cli/main.js';

/** What one `gantry` invocation printed, and its exit code. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs the `gantry` CLI in this process against a server, with GANTRY_PROJECT set: fast
 * enough for end-to-end tests that make many calls (a process per call would cost ~1 s).
 * `server` is read on every call, so it may be set after the runner is made; the CLI signs in
 * with its admin token.
 */
export function cliAgainst(
  server: () => { url: string; adminToken?: string | undefined },
  project: string,
) {
  return async (args: string[]): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const target = server();
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      // Signed in as the server's initial admin, as the CLI on the server's machine is.
      env: {
        GANTRY_SERVER: target.url,
        GANTRY_PROJECT: project,
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
        // Without a token, never the initial admin token of a server the user runs in this
        // directory (./.gantry, the CLI's last resort).
        GANTRY_DATA_DIR: '/nonexistent/gantry-test-data',
        ...(target.adminToken ? { GANTRY_TOKEN: target.adminToken } : {}),
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}

/**
 * Polls `check` until it holds; fails naming `what` after `seconds`. The deadline only detects
 * a hang: generous, so that a machine whose cores are all busy slows a test but never fails it.
 */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  seconds = 60,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
