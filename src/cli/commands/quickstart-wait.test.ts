import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeQuickstartState } from '../../quickstart/quickstart-state.js';
import { runCli } from '../main.js';

/** How `gantry wait` and `gantry quickstart …` refuse bad input, before reaching anything. */
describe('gantry wait and gantry quickstart: bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-quickstart-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        // Nothing listens there: a command that got that far would say it cannot reach it.
        GANTRY_SERVER: 'http://127.0.0.1:1',
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
        GANTRY_TOKEN: 'unused',
        ...env,
      },
    });
    return { code, err: err.join('\n'), out: out.join('\n') };
  };

  it.each([
    [['wait', 'freight', 'x', '-n', 'p', '--freight', 'f'], /cannot wait for "freight"/],
    [['wait', 'stage', 'dev', '--freight', 'f'], /--project is required/],
    [['wait', 'stage', 'dev', '-n', 'p'], /--freight is required/],
    [
      ['wait', 'stage', 'dev', '-n', 'p', '--freight', 'f', '--for', 'done'],
      /--for must be promoted or verified/,
    ],
    [
      ['wait', 'stage', 'dev', '-n', 'p', '--freight', 'f', '--timeout', 'soon'],
      /--timeout must be a number/,
    ],
    [['quickstart', '--git-port', 'x'], /--git-port must be a port number/],
    [['quickstart', '--registry-port', '70000'], /--registry-port must be a port number/],
    [['quickstart', '--registry', 'http://x'], /--registry must be HOST:PORT/],
    [['quickstart', 'health', 'sick', '--dir', dir], /health must be ok or degraded/],
  ])('%j is a usage error', async (args, message) => {
    const result = await run(args);
    expect(result.err).toMatch(message);
    expect(result.code).toBe(2);
  });

  it('quickstart helpers say how to start a quickstart when none runs', async () => {
    for (const args of [
      ['quickstart', 'push', '1.3.0'],
      ['quickstart', 'git', 'log'],
      ['quickstart', 'health', 'ok'],
    ]) {
      const result = await run(args, { GANTRY_QUICKSTART_DIR: join(dir, 'none') });
      expect(result.err).toMatch(/no quickstart is running .*npx gantry quickstart/);
      expect(result.code).toBe(1);
    }
    // A state file left by a quickstart that is gone counts as none.
    const stale = join(dir, 'stale');
    writeQuickstartState(stale, {
      pid: 2 ** 22 + 1, // above Linux's pid_max default: no such process
      startedAt: new Date(0).toISOString(),
      project: 'frontend',
      gitops: { url: 'http://127.0.0.1:1/gitops.git', path: join(stale, 'repos/gitops.git') },
      registry: { host: '127.0.0.1:1', url: 'http://127.0.0.1:1', demo: true },
      image: '127.0.0.1:1/acme/frontend',
      health: { url: 'http://127.0.0.1:1/healthz' },
    });
    const result = await run(['quickstart', 'push', '1.3.0'], { GANTRY_QUICKSTART_DIR: stale });
    expect(result.err).toMatch(/is stale/);
  });

  it('quickstart without a server says so and starts nothing', async () => {
    const result = await run(['quickstart', '--dir', join(dir, 'no-server')]);
    expect(result.err).toMatch(/cannot reach the Gantry server at http:\/\/127\.0\.0\.1:1/);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
  });
});
