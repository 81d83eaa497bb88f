import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { gantryCommand, ROOT } from './gantry-process.js';

/**
 * The README's Quickstart, run as written: every command of its ```sh blocks, literally, with
 * bash, in order, in one shell (so `FIRST=$(…)` carries over), against a Gantry server this test
 * starts on a free port. Only the environment differs from a user's terminal:
 * - GANTRY_SERVER and GANTRY_DATA_DIR name the test's server (the CLI finds its admin token,
 *   and the quickstart keeps its state, in that data dir);
 * - GANTRY_QUICKSTART_*_PORT=0: the demo components take free ports, never the example's
 *   8418/5000/3000, so nothing else running on the machine is reached;
 * - PATH starts with an `npx` that runs `gantry` from the build when it is current, else from
 *   the sources through tsx (`gantryCommand`), so the test needs no build; anything else goes
 *   to the real npx.
 *
 * A command whose comment starts with "runs until Ctrl-C" (the quickstart itself) is started in
 * the background, and the rest wait until it printed a line starting with "Ready", as the
 * README tells the reader to; it is stopped with Ctrl-C (SIGINT) at the end. Every wait is on a
 * condition (the README's own `gantry wait` and `--wait`), never on a duration.
 */

const BACKGROUND = /#\s*runs until Ctrl-C/;

/** The commands of the ```sh blocks of the README's "## Quickstart" section, in order. */
function tourCommands(readme: string): string[] {
  const start = readme.indexOf('\n## Quickstart\n');
  if (start < 0) throw new Error('README.md has no "## Quickstart" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g))
    for (const line of block[1]!.split('\n'))
      if (line.trim() !== '' && !line.trimStart().startsWith('#')) commands.push(line);
  return commands;
}

describe("the README's quickstart tour", () => {
  let dir: string;
  let gantry: RunningGantry;
  let env: NodeJS.ProcessEnv;
  let quickstart: ChildProcess | undefined;
  let quickstartOutput = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-readme-tour-'));
    const dataDir = join(dir, 'data');
    gantry = await startGantry(resolveServerConfig({ port: '0', dataDir }, {}), silentLogger);
    const bin = join(dir, 'bin');
    const realNpx = await which('npx');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'npx'),
      [
        '#!/bin/sh',
        '# gantry as `npx gantry` runs it: from the build when it is current, else the sources',
        'if [ "$1" = gantry ]; then',
        '  shift',
        `  exec "${process.execPath}" ${gantryCommand()
          .map((arg) => `"${arg}"`)
          .join(' ')} "$@"`,
        'fi',
        `exec "${realNpx}" "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npx'), 0o755);
    env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: dir,
      GANTRY_SERVER: gantry.url,
      GANTRY_DATA_DIR: dataDir,
      GANTRY_CONFIG: join(dir, 'cli-config'),
      GANTRY_QUICKSTART_GIT_PORT: '0',
      GANTRY_QUICKSTART_REGISTRY_PORT: '0',
      GANTRY_QUICKSTART_HEALTH_PORT: '0',
    };
  });

  afterAll(async () => {
    if (quickstart && quickstart.exitCode === null) {
      quickstart.kill('SIGINT');
      await new Promise((resolve) => quickstart!.once('exit', resolve));
    }
    await gantry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('works as written: quickstart, new tag, dev, the commit, staging, prod with approval, rollback', async () => {
    const commands = tourCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const background = commands.filter((command) => BACKGROUND.test(command));
    const foreground = commands.filter((command) => !BACKGROUND.test(command));
    expect(background).toEqual([expect.stringMatching(/^npx gantry quickstart\s/)]);
    expect(foreground.length).toBeGreaterThan(10);

    // The quickstart, in the background until it says Ready.
    quickstart = spawn('bash', ['-c', background[0]!], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        quickstartOutput += chunk.toString();
        if (/^Ready/m.test(quickstartOutput)) resolve();
      };
      quickstart!.stdout!.on('data', collect);
      quickstart!.stderr!.on('data', collect);
      quickstart!.once('exit', (code) =>
        reject(new Error(`the quickstart exited (${code}) before Ready:\n${quickstartOutput}`)),
      );
    });
    await ready;
    // Its demo components took free ports, not the example's.
    const applied = readFileSync(join(env.GANTRY_DATA_DIR!, 'quickstart/frontend.yaml'), 'utf8');
    for (const address of ['127.0.0.1:5000', '127.0.0.1:8418', '127.0.0.1:3000', '127.0.0.1:8080'])
      expect(applied).not.toContain(address);
    expect(applied).not.toMatch(/uses: argocd-update/);

    // The rest, in one bash, stopping at the first failure; markers say which command it was.
    const script = ['set -euo pipefail']
      .concat(foreground.flatMap((command, index) => [`echo "@@@ ${index}"`, command]))
      .join('\n');
    const result = await runBash(script, env);
    const failedAt = [...result.output.matchAll(/^@@@ (\d+)$/gm)].at(-1)?.[1];
    expect(
      result.code,
      `command ${failedAt} failed: ${foreground[Number(failedAt)]}\n${result.output}`,
    ).toBe(0);

    // What the tour claims happened did happen.
    const gitLog = result.output;
    expect(gitLog).toMatch(/Promote image from 1\.2\.1 to 1\.3\.0/);
    expect(gitLog).toMatch(/Promote image from 1\.3\.0 to 1\.2\.1/); // the rollback of prod
    expect(gitLog).toMatch(/stage\.kargo\.akuity\.io\/prod: Freight \S+ verified/);
    expect(gitLog).not.toMatch(/no Argo CD is configured/);

    // The failed verification the README mentions: a broken health endpoint fails dev's
    // verification of the next Freight, and gantry wait says so instead of waiting on.
    const broken = await runBash(
      [
        'set -euo pipefail',
        'npx gantry quickstart health degraded',
        'npx gantry quickstart push 1.4.0',
        'npx gantry refresh warehouse frontend -n frontend',
        `BAD=$(npx gantry get warehouse frontend -n frontend -o jsonpath='{.status.lastFreightID}')`,
        'npx gantry wait stage dev --freight "$BAD" -n frontend',
      ].join('\n'),
      env,
    );
    expect(broken.code, broken.output).toBe(1);
    expect(broken.output).toMatch(/stage\.kargo\.akuity\.io\/dev: Freight \S+ failed verification/);

    // Ctrl-C stops the demo components and says so.
    const exited = new Promise<number | null>((resolve) => quickstart!.once('exit', resolve));
    quickstart.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(quickstartOutput).toContain('Stopped.');
  }, 600_000);
});

function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function which(program: string): Promise<string> {
  const result = await runBash(`command -v ${program}`, process.env);
  const path = result.output.trim();
  if (result.code !== 0 || !path) throw new Error(`${program} is not on PATH`);
  return path;
}
