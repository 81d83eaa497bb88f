import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst, until } from './in-process-cli.js';
import { startDeadEndServer, type DeadEndServer } from './dead-end-server.js';

/**
 * A pipeline through a real server and the CLI: Freight moves dev → staging only once it is
 * verified in dev; prod needs a soak in staging, which an approval overrides; staging verifies
 * with an AnalysisTemplate whose web metric asks a local HTTP service.
 */
describe('pipelines end to end', () => {
  let dir: string;
  let gantry: RunningGantry;
  let health: Server;
  let healthy = true;

  const cli = cliAgainst(() => gantry, 'pipe');
  const stageStatus = async (name: string) =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'pipe', name }))?.status as
      StageStatus | undefined;
  const verification = async (stage: string) =>
    (await stageStatus(stage))?.freightHistory?.[0]?.verificationHistory?.[0];

  /** The Warehouse's registry: a server of this test's that has nothing. */
  let nowhere: DeadEndServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-pipeline-e2e-'));
    nowhere = await startDeadEndServer();
    health = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'down' }));
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    const port = (health.address() as { port: number }).port;
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    const stage = (name: string, sources: string, extra = '') => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: ${name}, namespace: pipe}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: ${sources}
  promotionTemplate:
    spec:
      steps:
      - {uses: compose-output, config: {stage: ${name}}}
${extra}`;
    writeFileSync(
      join(dir, 'pipe.yaml'),
      [
        'apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata: {name: pipe}',
        `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: pipe}
spec:
  freightCreationPolicy: Manual
  subscriptions: [{image: {repoURL: ${nowhere.host}/pipe/app}}]`,
        `apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: first, namespace: pipe}
alias: first-flight
origin: {kind: Warehouse, name: app}
images: [{repoURL: ${nowhere.host}/pipe/app, tag: 1.0.0}]`,
        `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke, namespace: pipe}
spec:
  args: [{name: url}]
  metrics:
  - name: health
    successCondition: result == 'ok'
    provider:
      web: {url: '{{args.url}}', jsonPath: '{$.status}'}`,
        stage('dev', '{direct: true}'),
        stage(
          'staging',
          '{stages: [dev]}',
          `  verification:
    analysisTemplates: [{name: smoke}]
    args: [{name: url, value: 'http://127.0.0.1:${port}/health'}]`,
        ),
        stage('prod', '{stages: [staging], requiredSoakTime: 1h}'),
      ].join('\n---\n'),
    );
    // Hand-made Freight of an image no registry serves: --force skips the registry check.
    const applied = await cli(['apply', '--force', '-f', join(dir, 'pipe.yaml')]);
    expect(applied.err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await new Promise<void>((resolve) => health.close(() => resolve()));
    await nowhere.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves Freight downstream only once it is verified, and says why not before', async () => {
    const before = await cli(['get', 'freight', '--stage', 'staging']);
    expect(before.out.split('\n')[0]).toMatch(
      /^NAME\s+ALIAS\s+ARTIFACTS\s+AVAILABLE\s+WHY\s+AUTO-PROMOTION\s+AGE$/,
    );
    expect(before.out).toMatch(
      /first-flight\s+127\.0\.0\.1:\d+\/pipe\/app:1\.0\.0\s+no\s+not verified in dev/,
    );
    const refused = await cli(['promote', '--stage', 'staging', '--freight', 'first-flight']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      'Freight "first-flight" is not available to Stage "staging": not verified in dev',
    );

    expect(
      (await cli(['promote', '--stage', 'dev', '--freight', 'first-flight', '--wait'])).code,
    ).toBe(0);
    await until(async () => (await verification('dev'))?.phase === 'Successful', 'dev verified');
    const after = await cli(['get', 'freight', '--stage', 'staging']);
    expect(after.out).toMatch(/first-flight\s+\S+\s+yes\s+verified in dev/);
    expect(
      (await cli(['promote', '--stage', 'staging', '--freight', 'first-flight', '--wait'])).code,
    ).toBe(0);
  });

  it('verifies staging with its AnalysisTemplate, and re-verifies on request', async () => {
    await until(
      async () => (await verification('staging'))?.phase === 'Successful',
      'staging verified',
    );
    expect((await verification('staging'))?.message).toContain('health: Successful');
    healthy = false;
    const reverify = await cli(['verify', '--stage', 'staging']);
    expect(reverify.err).toBe('');
    await until(
      async () => (await verification('staging'))?.phase === 'Failed',
      'staging re-verified',
    );
    expect((await stageStatus('staging'))?.freightHistory?.[0]?.verificationHistory).toHaveLength(
      2,
    );
    healthy = true;
  });

  it('holds prod until the soak is done, unless someone approves', async () => {
    const soaking = await cli(['get', 'freight', '--stage', 'prod']);
    expect(soaking.out).toMatch(/no\s+soaking in staging: \d+s of 1h/);
    const refused = await cli(['promote', '--stage', 'prod', '--freight', 'first-flight']);
    expect(refused.err).toMatch(/not available to Stage "prod": soaking in staging/);
    const approved = await cli(['approve', '--freight', 'first-flight', '--stage', 'prod']);
    expect(approved.out).toBe('freight.kargo.akuity.io/first-flight approved for Stage prod');
    expect((await cli(['get', 'freight', '--stage', 'prod'])).out).toMatch(
      /yes\s+approved for prod/,
    );
    expect(
      (await cli(['promote', '--stage', 'prod', '--freight', 'first-flight', '--wait'])).code,
    ).toBe(0);
    const wrong = await cli(['approve', '--freight', 'nope', '--stage', 'prod']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('Freight "nope" not found in project "pipe"');
  });

  it('stops promotions during a freeze and a closed window, unless overridden', async () => {
    const frozen = await cli(['freeze', '--reason', 'release weekend']);
    expect(frozen.out).toBe('project.kargo.akuity.io/pipe frozen');
    const refused = await cli(['promote', '--stage', 'dev', '--freight', 'first-flight']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /project pipe is frozen since \S+ by token:initial-admin: release weekend; promote with --override "<why>" to go ahead anyway/,
    );
    const forced = await cli([
      'promote',
      '--stage',
      'dev',
      '--freight',
      'first-flight',
      '--override',
      'hotfix approved by on-call',
      '--wait',
    ]);
    expect(forced.code).toBe(0);
    const overridden = (await gantry.store.list('Promotion', { namespace: 'pipe' })).items.filter(
      (p) => p.metadata.annotations?.['gantry.io/override'] === 'hotfix approved by on-call',
    );
    expect(overridden).toHaveLength(1);
    expect((await cli(['unfreeze'])).out).toBe('project.kargo.akuity.io/pipe unfrozen');

    writeFileSync(
      join(dir, 'windows.yaml'),
      `apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: pipe, namespace: pipe}
spec:
  promotionWindows:
  - {name: change-freeze, kind: Deny, schedule: '0 0 1 1 *', duration: 8760h, stageSelector: {name: dev}}`,
    );
    expect((await cli(['apply', '-f', join(dir, 'windows.yaml')])).err).toBe('');
    const closed = await cli(['promote', '--stage', 'dev', '--freight', 'first-flight']);
    expect(closed.err).toMatch(/Stage dev is closed: deny window "change-freeze" is open/);
    expect((await cli(['promote', '--stage', 'staging', '--freight', 'first-flight'])).code).toBe(
      0,
    );
  });
});
