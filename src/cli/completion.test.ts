import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startGantry, type RunningGantry } from '../main.js';
import { EXIT_OK, EXIT_USAGE, runCli } from './main.js';
import { refusedAddress } from '../../test/refused-address.js';
import { gantryCommand } from '../../test/gantry-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPO = 'http://127.0.0.1:9/complete/app.git';

const PROJECT = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: comp}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: comp}
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - git: {repoURL: '${REPO}'}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: comp}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {direct: true}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: prod, namespace: comp}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {stages: [dev]}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f1, namespace: comp}
alias: quick-quail
origin: {kind: Warehouse, name: app}
commits: [{repoURL: '${REPO}', id: '2222222222222222222222222222222222222222'}]
`;

/** Shell completion: the scripts in real shells, and the `__complete` answers behind them. */
describe('gantry completion', () => {
  let dir: string;
  let gantry: RunningGantry;
  let freightName: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-completion-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    writeFileSync(join(dir, 'comp.yaml'), PROJECT);
    expect((await cli(['apply', '-f', join(dir, 'comp.yaml')])).code).toBe(EXIT_OK);
    freightName = (await gantry.store.list('Freight', { namespace: 'comp' })).items[0]!.metadata
      .name;
  });
  afterAll(async () => {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function env(): NodeJS.ProcessEnv {
    return {
      GANTRY_SERVER: gantry.url,
      GANTRY_TOKEN: gantry.adminToken,
      GANTRY_PROJECT: 'comp',
      GANTRY_CONFIG: '/nonexistent/gantry-test-config',
    };
  }

  async function cli(args: string[], extra: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: { ...env(), ...extra },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const complete = async (...words: string[]) =>
    (await cli(['__complete', ...words])).out.split('\n').filter((w) => w !== '');

  /**
   * Sources the bash script in a real bash and completes each line as a user pressing Tab at
   * its end would; `gantry` runs the CLI from the sources against the test's server.
   */
  async function bashComplete(lines: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const script = (await cli(['completion', 'bash'])).out;
    const checks = lines
      .map((line) => {
        const words = line.split(' ');
        return `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _gantry_complete; echo "$(IFS=,; echo "\${COMPREPLY[*]}")"`;
      })
      .join('\n');
    const command = gantryCommand()
      .map((arg) => JSON.stringify(arg))
      .join(' ');
    const program = `gantry() { ${JSON.stringify(process.execPath)} ${command} "$@"; }\n${script}\n${checks}\n`;
    const child = spawn('bash', ['--norc', '--noprofile', '-c', program], {
      cwd: ROOT,
      env: { ...process.env, ...env(), ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, stderr, replies: stdout.split('\n').slice(0, lines.length) };
  }

  it('completes commands, kinds, flags and names from the server in a real bash', async () => {
    const result = await bashComplete([
      'gantry prom',
      'gantry describe stage ',
      'gantry get stages --proj',
      'gantry describe freight q',
    ]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      replies: ['promote', 'dev,prod', '--project', 'quick-quail'],
    });
  }, 120_000);

  it('completes nothing, quietly, when the server cannot be reached', async () => {
    const refused = await refusedAddress();
    const result = await bashComplete(['gantry describe stage '], {
      GANTRY_SERVER: refused.url,
    }).finally(() => refused.close());
    expect(result).toEqual({ code: 0, stderr: '', replies: [''] });
  }, 60_000);

  it('answers __complete for every position', async () => {
    expect(await complete('')).toEqual(expect.arrayContaining(['describe', 'edit', 'completion']));
    expect(await complete('')).not.toContain('__complete');
    expect(await complete('get', 'wareh')).toEqual(['warehouses', 'warehouse']);
    expect(await complete('get', 'pip')).toEqual(['pipeline']);
    expect(await complete('describe', 'freight', '')).toEqual([freightName, 'quick-quail']);
    expect(await complete('promote', '--freight', 'q')).toEqual(['quick-quail']);
    expect(await complete('get', 'stages', '-n', '')).toEqual(['comp']);
    expect(await complete('get', 'stages', '--project', 'comp', '-o', 'y')).toEqual(['yaml']);
    expect(await complete('--server', gantry.url, 'describe', 'warehouse', '')).toEqual(['app']);
    expect(await complete('describe', '-')).toEqual(
      expect.arrayContaining(['--project', '-n', '--namespace', '--selector', '--server']),
    );
    expect(await complete('create', '')).toEqual(['project', 'freight', 'token']);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('promote', '--stage', 'p')).toEqual(['prod']);
    expect(await complete('describe', 'stage', 'dev', '')).toEqual([]);
  });

  it('prints zsh and fish scripts that call back into gantry, and refuses other shells', async () => {
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.out).toMatch(/^#compdef gantry\n/);
    expect(zsh.out).toContain('gantry __complete "${(@)words[2,CURRENT]}"');
    expect(zsh.out).toContain('compdef _gantry gantry');
    const fish = await cli(['completion', 'fish']);
    expect(fish.out).toContain("complete -c gantry -f -a '(__gantry_complete)'");
    expect(fish.out).toContain('gantry __complete $words "$cur"');
    // Where the shells are installed, their parsers accept the scripts.
    for (const [shell, text] of [
      ['zsh', zsh.out],
      ['fish', fish.out],
    ] as const) {
      const installed = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
      if (installed) expect(spawnSync(shell, ['-n'], { input: text }).status).toBe(0);
    }
    expect(
      spawnSync('bash', ['-n'], { input: (await cli(['completion', 'bash'])).out }).status,
    ).toBe(0);
    expect(await cli(['completion', 'tcsh'])).toMatchObject({
      code: EXIT_USAGE,
      err: 'error: unknown shell "tcsh": gantry completes in bash, zsh, fish',
    });
  });

  it('suggests the command meant, on one line, with the usage exit code', async () => {
    expect(await cli(['prmote'])).toEqual({
      code: EXIT_USAGE,
      out: '',
      err: "error: unknown command 'prmote' (Did you mean promote?)",
    });
    expect(await cli(['crate', 'token'])).toMatchObject({
      code: EXIT_USAGE,
      err: "error: unknown command 'crate' (Did you mean create?)",
    });
    expect(await cli(['descibe', 'stage', 'dev'])).toMatchObject({
      code: EXIT_USAGE,
      err: "error: unknown command 'descibe' (Did you mean describe?)",
    });
    expect(await cli(['promote', '--stge', 'dev'])).toMatchObject({
      code: EXIT_USAGE,
      err: "error: unknown option '--stge' (Did you mean --stage?)",
    });
  });
});
