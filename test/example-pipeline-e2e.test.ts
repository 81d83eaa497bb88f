import { readdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst, until as waitUntil } from './in-process-cli.js';
import { ROOT } from './gantry-process.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { startRegistry, type TestRegistry } from './registry.js';

/**
 * The example project (examples/frontend) as a pipeline, with a real registry and real git
 * over HTTP: a pushed image becomes Freight, dev is auto-promoted and verified by its `web`
 * metric against a local endpoint, staging follows once verified in dev, prod needs a person
 * and a soak in staging, and a rollback of prod restores the previous tag in git.
 *
 * Two changes to the example, both stated here: the repository and registry addresses and
 * the health URL point at the servers this test starts, prod's soak is 10 s instead of an
 * hour, and the PromotionTask's last step (argocd-update) is left out: there is no Argo CD
 * here (its integration is tested on its own).
 */
describe('the example pipeline end to end', () => {
  let dir: string;
  let registry: TestRegistry;
  let git: TestGitServer;
  let gantry: RunningGantry;
  let health: Server;
  let healthy = true;
  let gitops: string;

  const cli = cliAgainst(() => gantry.url, 'frontend');
  const stage = async (name: string) =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'frontend', name }))?.status as
      StageStatus | undefined;
  const tagIn = async (name: string) =>
    (await stage(name))?.freightHistory?.[0]?.items?.['Warehouse/frontend']?.images?.[0]?.tag;
  const verified = async (name: string) =>
    (await stage(name))?.freightHistory?.[0]?.verificationHistory?.[0]?.phase;
  /** Longer waits, polled less often: this pipeline verifies for real. */
  const until = (check: () => Promise<boolean>, what: string, seconds = 30) =>
    waitUntil(check, what, seconds, 50);
  const gitTag = (env: string) =>
    /tag: '([^']+)'/.exec(git.git('gitops', ['show', `main:${env}/frontend/instance.yaml`]))?.[1];
  const push = async (tag: string) => {
    await registry.pushImage('acme/frontend', tag);
    const refreshed = await cli(['refresh', 'warehouse', 'frontend']);
    expect(refreshed.err).toBe('');
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-example-e2e-'));
    health = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded' }));
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    const healthPort = (health.address() as { port: number }).port;
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
    const files: Record<string, string> = {};
    for (const env of ['develop', 'staging', 'production'])
      files[`${env}/frontend/instance.yaml`] = readFileSync(
        join(ROOT, 'examples/frontend/gitops', env, 'frontend/instance.yaml'),
        'utf8',
      );
    gitops = git.createRepo('gitops', files);
    await registry.pushImage('acme/frontend', '1.2.1');
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    const example = join(ROOT, 'examples/frontend');
    const manifests = readdirSync(example)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => readFileSync(join(example, name), 'utf8'))
      .join('\n---\n')
      .replaceAll('127.0.0.1:5000', registry.host)
      .replaceAll('http://127.0.0.1:8418/gitops.git', gitops)
      .replaceAll('http://127.0.0.1:3000/healthz', `http://127.0.0.1:${healthPort}/healthz`)
      .replace('requiredSoakTime: 1h', 'requiredSoakTime: 10s');
    const withoutArgo = manifests.slice(0, manifests.indexOf('    - uses: argocd-update'));
    const rest = manifests.slice(
      manifests.indexOf('---', manifests.indexOf('    - uses: argocd-update')),
    );
    writeFileSync(join(dir, 'frontend.yaml'), `${withoutArgo}${rest}`);
    const applied = await cli(['apply', '-f', join(dir, 'frontend.yaml')]);
    expect(applied.err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await Promise.all([registry.stop(), git.stop()]);
    await new Promise<void>((resolve) => health.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a pushed image through dev and staging on its own, verified on the way', async () => {
    await push('1.2.2');
    await until(async () => (await tagIn('staging')) === '1.2.2', '1.2.2 in staging');
    expect(await verified('dev')).toBe('Successful');
    expect(gitTag('develop')).toBe('1.2.2');
    expect(gitTag('staging')).toBe('1.2.2');
    expect(gitTag('production')).toBe('1.2.1');
    expect(await tagIn('prod')).toBeUndefined();
  });

  it('refuses prod until the soak is done, then promotes it by hand', async () => {
    const early = await cli(['promote', '--stage', 'prod', '--freight', await aliasOf('1.2.2')]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/not available to Stage "prod": soaking in staging: \d+s of 10s/);
    await until(
      async () =>
        (await cli(['get', 'freight', '--stage', 'prod'])).out.includes(
          'verified and soaked in staging',
        ),
      'the soak',
      20,
    );
    const promoted = await cli([
      'promote',
      '--stage',
      'prod',
      '--freight',
      await aliasOf('1.2.2'),
      '--wait',
    ]);
    expect(promoted.err).toBe('');
    expect(gitTag('production')).toBe('1.2.2');
  });

  it('blocks downstream when verification fails', async () => {
    healthy = false;
    await push('1.2.3');
    await until(async () => (await verified('dev')) === 'Failed', 'dev verification to fail');
    expect(await tagIn('dev')).toBe('1.2.3');
    expect(await tagIn('staging')).toBe('1.2.2');
    const why = await cli(['get', 'freight', '--stage', 'staging']);
    expect(why.out).toMatch(
      new RegExp(`${await aliasOf('1.2.3')}\\s+\\S+\\s+no\\s+not verified in dev`),
    );
    healthy = true;
  });

  it('pauses auto-promotion during a freeze', async () => {
    expect((await cli(['freeze', '--reason', 'launch day'])).code).toBe(0);
    await push('1.2.4');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await tagIn('dev')).toBe('1.2.3');
    expect((await cli(['unfreeze'])).code).toBe(0);
    await until(
      async () => (await tagIn('staging')) === '1.2.4',
      '1.2.4 in staging after the freeze',
    );
  });

  it('rolls prod back: the previous tag is in git again and auto-promotion is held', async () => {
    const approve = await cli(['approve', '--freight', await aliasOf('1.2.4'), '--stage', 'prod']);
    expect(approve.code).toBe(0);
    expect(
      (await cli(['promote', '--stage', 'prod', '--freight', await aliasOf('1.2.4'), '--wait']))
        .code,
    ).toBe(0);
    expect(gitTag('production')).toBe('1.2.4');
    const rolled = await cli(['rollback', '--stage', 'prod']);
    expect(rolled.err).toBe('');
    await until(async () => (await tagIn('prod')) === '1.2.2', 'the rollback of prod');
    await until(() => Promise.resolve(gitTag('production') === '1.2.2'), 'git to show 1.2.2 again');
    expect(Object.keys((await stage('prod'))?.autoPromotionHolds ?? {})).toEqual([
      'Warehouse/frontend',
    ]);
    const stages = await cli(['get', 'stages']);
    expect(stages.out).toMatch(/prod\s+\S+ \(\S+:1\.2\.2\)\s+\S*\s*\S*\s*held at /);
  });

  async function aliasOf(tag: string): Promise<string> {
    const { items } = await gantry.store.list('Freight', { namespace: 'frontend' });
    const found = items.find(
      (f) => (f as { images?: Array<{ tag?: string }> }).images?.[0]?.tag === tag,
    );
    return (found as { alias?: string } | undefined)?.alias ?? '';
  }
});
