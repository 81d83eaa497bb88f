import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '../src/api/resource.js';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst, until } from './in-process-cli.js';

const IMAGE = '127.0.0.1:9/auto/app';

/**
 * Auto-promotion through a real server: policies in the ProjectConfig, Freight flowing
 * dev → staging (MatchUpstream) → a control-flow Stage, a failed promotion that does not
 * stop the next one, and holds set by a manual promotion and released by promoting the
 * candidate.
 */
describe('auto-promotion end to end', () => {
  let dir: string;
  let gantry: RunningGantry;

  const cli = cliAgainst(() => gantry, 'auto');
  const apply = async (name: string, yaml: string) => {
    writeFileSync(join(dir, name), yaml);
    // Hand-made Freight of an image no registry serves: --force skips the registry check.
    const result = await cli(['apply', '--force', '-f', join(dir, name)]);
    expect(result.err).toBe('');
  };
  const freight = (tag: string, discoveredAt: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f${tag.replaceAll('.', '')}, namespace: auto}
alias: v${tag.replaceAll('.', '-')}
origin: {kind: Warehouse, name: app}
discoveredAt: '${discoveredAt}'
images: [{repoURL: ${IMAGE}, tag: '${tag}'}]`;
  const tagIn = async (stage: string) => {
    const status = (await gantry.store.get({ kind: 'Stage', namespace: 'auto', name: stage }))
      ?.status as StageStatus | undefined;
    return status?.freightHistory?.[0]?.items?.['Warehouse/app']?.images?.[0]?.tag;
  };
  const promotions = async (stage: string) =>
    (await gantry.store.list('Promotion', { namespace: 'auto' })).items.filter(
      (p: StoredResource) => (p.spec as { stage: string }).stage === stage,
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-auto-e2e-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    const steps = `
  promotionTemplate:
    spec:
      steps:
      - uses: fail
        if: \${{ imageFrom('${IMAGE}').Tag == '2.0.0' }}
        config: {message: 2.0.0 is broken}
      - {uses: compose-output, config: {ok: true}}`;
    await apply(
      'auto.yaml',
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: auto}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: auto, namespace: auto}
spec:
  promotionPolicies:
  - {stageSelector: {name: 'glob:*'}, autoPromotionEnabled: true}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: auto}
spec:
  freightCreationPolicy: Manual
  subscriptions: [{image: {repoURL: ${IMAGE}}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: auto}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]
${steps}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: staging, namespace: auto}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {stages: [dev], autoPromotionOptions: {selectionPolicy: MatchUpstream}}
${steps}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: gate, namespace: auto}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {stages: [staging]}}]
`,
    );
  });
  afterAll(async () => {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes new Freight down the pipeline on its own', async () => {
    await apply('f1.yaml', freight('1.0.0', '2026-11-01T00:00:00Z'));
    await until(async () => (await tagIn('staging')) === '1.0.0', '1.0.0 in staging');
    expect(await tagIn('dev')).toBe('1.0.0');
    // The control-flow Stage is never promoted to; verified in staging, the Freight passes it.
    const passed = await gantry.store.list('Freight', { namespace: 'auto' });
    await until(
      async () =>
        !!(
          (
            await gantry.store.get({
              kind: 'Freight',
              namespace: 'auto',
              name: passed.items[0]!.metadata.name,
            })
          )?.status as { verifiedIn?: Record<string, unknown> }
        )?.verifiedIn?.gate,
      'verified in gate',
    );
    expect(await promotions('gate')).toEqual([]);
    const status = (await gantry.store.get({ kind: 'Stage', namespace: 'auto', name: 'dev' }))
      ?.status as StageStatus;
    expect(status.autoPromotionEnabled).toBe(true);
  });

  it('does not let a failed promotion stop the next candidate', async () => {
    await apply('f2.yaml', freight('2.0.0', '2026-11-02T00:00:00Z'));
    await until(
      async () =>
        (await promotions('dev')).some(
          (p) => (p.status as { phase?: string } | undefined)?.phase === 'Failed',
        ),
      'the 2.0.0 promotion to fail',
    );
    expect(await tagIn('dev')).toBe('1.0.0');
    await apply('f3.yaml', freight('3.0.0', '2026-11-03T00:00:00Z'));
    await until(async () => (await tagIn('staging')) === '3.0.0', '3.0.0 in staging');
    // The broken Freight was tried once, not again and again.
    const broken = (await gantry.store.list('Freight', { namespace: 'auto' })).items.find(
      (f) => (f as { alias?: string }).alias === 'v2-0-0',
    )!;
    expect(
      (await promotions('dev')).filter(
        (p) => (p.spec as { freight: string }).freight === broken.metadata.name,
      ),
    ).toHaveLength(1);
  });

  it('holds a Stage that someone promoted by hand, until the candidate is promoted', async () => {
    const manual = await cli(['promote', '--stage', 'dev', '--freight', 'v1-0-0', '--wait']);
    expect(manual.code).toBe(0);
    await until(async () => {
      const status = (await gantry.store.get({ kind: 'Stage', namespace: 'auto', name: 'dev' }))
        ?.status as StageStatus;
      return !!status.autoPromotionHolds?.['Warehouse/app'];
    }, 'a hold on dev');
    // A control-flow Stage named to come after dev: auto-promotion verifies Freight there in
    // the same pass in which it decides dev's promotions (Stages in name order). Once 4.0.0 is
    // verified in the probe, a pass has seen it while dev was held.
    await apply(
      'probe.yaml',
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: zz-probe, namespace: auto}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]`,
    );
    await apply('f4.yaml', freight('4.0.0', '2026-11-04T00:00:00Z'));
    const f4 = async () =>
      (await gantry.store.list('Freight', { namespace: 'auto' })).items.find(
        (f) => (f as { alias?: string }).alias === 'v4-0-0',
      );
    await until(
      async () =>
        ((await f4())?.status as { verifiedIn?: Record<string, unknown> } | undefined)
          ?.verifiedIn?.['zz-probe'] !== undefined,
      'an auto-promotion pass to see 4.0.0',
    );
    expect((await cli(['delete', 'stage', 'zz-probe'])).err).toBe('');
    expect(await tagIn('dev')).toBe('1.0.0');
    const name = (await f4())?.metadata.name;
    expect(
      (await promotions('dev')).filter((p) => (p.spec as { freight: string }).freight === name),
    ).toEqual([]);
    expect(await cli(['promote', '--stage', 'dev', '--freight', 'v4-0-0', '--wait'])).toMatchObject(
      { code: 0 },
    );
    await until(async () => {
      const status = (await gantry.store.get({ kind: 'Stage', namespace: 'auto', name: 'dev' }))
        ?.status as StageStatus;
      return !status.autoPromotionHolds;
    }, 'the hold to be released');
    await until(async () => (await tagIn('staging')) === '4.0.0', '4.0.0 in staging');
  });

  it('rolls back to the previous verified Freight, holds, and resumes without the rejected one', async () => {
    await until(async () => (await tagIn('dev')) === '4.0.0', '4.0.0 in dev');
    await until(
      async () =>
        (await promotions('dev')).every((p) =>
          ['Succeeded', 'Failed', 'Errored', 'Aborted'].includes(
            (p.status as { phase?: string } | undefined)?.phase ?? '',
          ),
        ),
      'dev to settle',
    );
    const rolled = await cli(['rollback', '--stage', 'dev']);
    expect(rolled.err).toBe('');
    expect(rolled.out).toMatch(/rolling dev back to v1-0-0; auto-promotion of dev is held/);
    await until(async () => (await tagIn('dev')) === '1.0.0', 'the rollback to 1.0.0');
    const status = (await gantry.store.get({ kind: 'Stage', namespace: 'auto', name: 'dev' }))
      ?.status as StageStatus;
    expect(status.autoPromotionHolds?.['Warehouse/app']?.actor).toBeDefined();
    const rejected = (await gantry.store.list('Freight', { namespace: 'auto' })).items.find(
      (f) => (f as { alias?: string }).alias === 'v4-0-0',
    )!;
    expect(rejected.metadata.annotations?.['rejected.gantry.io/dev']).toBe(
      'dev was rolled back to v1-0-0',
    );
    expect((await cli(['get', 'freight', '--stage', 'dev'])).out).toMatch(
      /v4-0-0\s+\S+\s+yes\s+.+\s{3}skipped: dev was rolled back to v1-0-0/,
    );
    const rollbackPromotion = (await promotions('dev')).find(
      (p) => p.metadata.annotations?.['kargo.akuity.io/rollback'] === 'true',
    );
    expect(rollbackPromotion).toBeDefined();

    expect((await cli(['resume', '--stage', 'dev'])).out).toBe(
      'stage.kargo.akuity.io/dev: auto-promotion resumed',
    );
    // The newest Freight not rejected for dev is 3.0.0.
    await until(async () => (await tagIn('dev')) === '3.0.0', 'auto-promotion of 3.0.0');
    const none = await cli(['rollback', '--stage', 'dev', '--to', 'v9']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('Freight "v9" not found');
  });

  it('shows what runs where: the Stages table and the pipeline as text', async () => {
    // MatchUpstream: staging follows dev back to 3.0.0 (a moment after dev got it).
    await until(async () => (await tagIn('staging')) === '3.0.0', '3.0.0 in staging');
    const stages = await cli(['get', 'stages']);
    const [header, ...rows] = stages.out.split('\n');
    expect(header).toMatch(
      /^NAME\s+SHARD\s+CURRENT FREIGHT\s+HEALTH\s+VERIFICATION\s+HOLD\s+LAST PROMOTION\s+READY\s+AGE$/,
    );
    expect(rows.find((r) => r.startsWith('dev '))).toMatch(
      /dev\s+v3-0-0 \(127\.0\.0\.1:9\/auto\/app:3\.0\.0\)\s+NotApplicable\s+Successful\s+Succeeded /,
    );
    const pipeline = await cli(['get', 'pipeline']);
    expect(pipeline.out.split('\n').map((line) => line.replace(/\s+$/, ''))).toEqual([
      'Warehouse app',
      expect.stringMatching(/^└─ dev\s+v3-0-0 \(127\.0\.0\.1:9\/auto\/app:3\.0\.0\)\s+verified$/),
      expect.stringMatching(/^ {3}└─ staging\s+v3-0-0 \(.*\)\s+verified$/),
      expect.stringMatching(/^ {6}└─ gate\s+no Freight yet$/),
    ]);
  });
});
