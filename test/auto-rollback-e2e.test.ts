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

/**
 * autoRollback through a real server: a Stage whose verification fails after a promotion is
 * rolled back to its previous verified Freight, holds auto-promotion, and the bad Freight is
 * marked rejected there.
 */
describe('auto-rollback end to end', () => {
  let dir: string;
  let gantry: RunningGantry;
  let service: Server;
  let healthy = true;

  const cli = cliAgainst(() => gantry, 'safe');
  const qa = async () =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'safe', name: 'qa' }))?.status as
      StageStatus | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-rollback-e2e-'));
    service = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ healthy }));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const port = (service.address() as { port: number }).port;
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    const freight = (tag: string) => `apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f${tag}, namespace: safe}
alias: build-${tag}
discoveredAt: '2026-11-0${tag}T00:00:00Z'
origin: {kind: Warehouse, name: app}
images: [{repoURL: 127.0.0.1:9/safe/app, tag: '${tag}'}]`;
    writeFileSync(
      join(dir, 'safe.yaml'),
      [
        'apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata: {name: safe}',
        `apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: safe, namespace: safe}
spec:
  promotionPolicies:
  - {stageSelector: {name: qa}, autoPromotionEnabled: true, autoRollback: {onVerification: [Failed, Error]}}`,
        `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: safe}
spec:
  freightCreationPolicy: Manual
  subscriptions: [{image: {repoURL: 127.0.0.1:9/safe/app, imageSelectionStrategy: Lexical}}]`,
        `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: probe, namespace: safe}
spec:
  metrics:
  - name: up
    successCondition: result.healthy == true
    provider: {web: {url: 'http://127.0.0.1:${port}/'}}`,
        `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: qa, namespace: safe}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]
  promotionTemplate: {spec: {steps: [{uses: compose-output, config: {ok: true}}]}}
  verification: {analysisTemplates: [{name: probe}]}`,
        freight('1'),
      ].join('\n---\n'),
    );
    // Hand-made Freight of an image no registry serves: --force skips the registry check.
    expect((await cli(['apply', '--force', '-f', join(dir, 'safe.yaml')])).err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await new Promise<void>((resolve) => service.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls back when verification fails, and keeps the bad Freight out', async () => {
    await until(
      async () =>
        (await qa())?.freightHistory?.[0]?.verificationHistory?.[0]?.phase === 'Successful',
      'build-1 verified in qa',
    );
    healthy = false;
    writeFileSync(
      join(dir, 'f2.yaml'),
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f2, namespace: safe}
alias: build-2
discoveredAt: '2026-11-02T00:00:00Z'
origin: {kind: Warehouse, name: app}
images: [{repoURL: 127.0.0.1:9/safe/app, tag: '2'}]`,
    );
    expect((await cli(['apply', '--force', '-f', join(dir, 'f2.yaml')])).err).toBe('');
    const tag = async () =>
      (await qa())?.freightHistory?.[0]?.items?.['Warehouse/app']?.images?.[0]?.tag;
    // build-2 goes in, fails verification, and qa is rolled back to build-1.
    await until(
      async () =>
        (await qa())?.freightHistory?.some((h) => h.verificationHistory?.[0]?.phase === 'Failed') ??
        false,
      'build-2 to fail verification',
    );
    await until(
      async () => (await tag()) === '1' && !!(await qa())?.autoPromotionHolds,
      'the rollback',
    );
    const hold = (await qa())?.autoPromotionHolds?.['Warehouse/app'];
    expect(hold?.actor).toBe('system:auto-rollback');
    const listed = await cli(['get', 'freight', '--stage', 'qa']);
    expect(listed.out).toMatch(/build-2\s+\S+\s+yes\s+.+\s{3}skipped: verification Failed in qa: /);
    healthy = true;
  });
});
