import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAgainst, until } from '../../test/in-process-cli.js';
import { resolveServerConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startGantry, type RunningGantry } from '../main.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './main.js';

// Nothing listens on port 9: discovery of this repository fails, which the report shows.
const REPO = 'http://127.0.0.1:9/describe/app.git';

const PROJECT = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: tell, labels: {team: web}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: tell, namespace: tell}
spec:
  promotionPolicies:
  - {stageSelector: {name: dev}, autoPromotionEnabled: true}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: tell}
spec:
  subscriptions:
  - git: {repoURL: '${REPO}', branch: main}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: tell, annotations: {owner: web-team}}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {direct: true}
  promotionTemplate:
    spec:
      steps:
      - {uses: compose-output, as: out, config: {ok: true}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: prod, namespace: tell}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {stages: [dev]}
  promotionTemplate:
    spec:
      steps:
      - {uses: compose-output, config: {ok: true}}
      - uses: fail
        config: {message: "prod refused this Freight\\nsecond line of the reason"}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: lost, namespace: tell}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: nowhere}
    sources: {direct: true, stages: [ghost]}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f1, namespace: tell}
alias: first-freight
origin: {kind: Warehouse, name: app}
commits: [{repoURL: '${REPO}', id: '1111111111111111111111111111111111111111', message: first change}]
`;

/** `gantry describe` through a real server: every kind's report, aliases, events. */
describe('gantry describe', () => {
  let dir: string;
  let gantry: RunningGantry;
  const cli = cliAgainst(() => gantry, 'tell');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-describe-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    writeFileSync(join(dir, 'tell.yaml'), PROJECT);
    const applied = await cli(['apply', '-f', join(dir, 'tell.yaml')]);
    expect(applied.code).toBe(EXIT_OK);
    // Stage "lost" is wrong on purpose: apply may warn about it, and only about it.
    expect(applied.err.split('\n').filter((line) => line !== '' && !/"lost"/.test(line))).toEqual(
      [],
    );
    const freightName = async () =>
      (await gantry.store.list('Freight', { namespace: 'tell' })).items[0]!.metadata.name;
    const phaseIn = async (stage: string) =>
      (await gantry.store.list('Promotion', { namespace: 'tell' })).items
        .filter((p) => (p.spec as { stage: string }).stage === stage)
        .map((p) => (p.status as { phase?: string } | undefined)?.phase);
    await until(async () => (await phaseIn('dev')).includes('Succeeded'), 'dev promoted', 30);
    // Verified in dev (after the promotion, as in Kargo): only then is it available to prod.
    await until(
      async () =>
        (await gantry.store.list('Freight', { namespace: 'tell' })).items.some(
          (f) =>
            (f.status as { verifiedIn?: Record<string, unknown> } | undefined)?.verifiedIn?.dev,
        ),
      'the Freight verified in dev',
      30,
    );
    // Manual promotion of the first Freight to prod fails at its second step.
    const promoted = await cli(['promote', '--stage', 'prod', '--freight', 'first-freight']);
    expect(promoted.err).toBe('');
    await until(async () => (await phaseIn('prod')).includes('Failed'), 'prod failed', 30);
    const approved = await cli(['approve', '--freight', await freightName(), '--stage', 'prod']);
    expect(approved).toMatchObject({ code: EXIT_OK, err: '' });
    await until(
      async () =>
        (
          (await gantry.store.get({ kind: 'Warehouse', namespace: 'tell', name: 'app' }))
            ?.status as { conditions?: unknown[] } | undefined
        )?.conditions !== undefined,
      'the Warehouse discovered',
      30,
    );
  }, 90_000);
  afterAll(async () => {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes a Stage: current Freight, steps, promotion history with who and how long, events', async () => {
    const { code, out, err } = await cli(['describe', 'stage', 'dev']);
    expect({ code, err }).toEqual({ code: EXIT_OK, err: '' });
    expect(out).toMatch(/^Name:\s+dev$/m);
    expect(out).toMatch(/^Project:\s+tell$/m);
    expect(out).toMatch(/^Annotations:\s+owner=web-team$/m);
    expect(out).toMatch(/Warehouse\/app\s+the Warehouse directly/);
    expect(out).toMatch(/Promotion Steps:\s+compose-output \(out\)/);
    expect(out).toMatch(/Current Freight:\n\s+first-freight \(\w+\) from Warehouse\/app/);
    expect(out).toContain(`commit  ${REPO}@1111111 "first change"`);
    expect(out).toMatch(/Auto-promotion:\s+enabled/);
    expect(out).toContain('Verification History:\n  none: this Stage has no verification');
    expect(out).toMatch(
      /Promotion History:\n\s+AGE\s+FREIGHT\s+PHASE\s+DURATION\s+BY\s+NAME\s+MESSAGE\n\s+\S+ ago\s+first-freight\s+Succeeded\s+\d+m?s\s+system:\S+\s+dev\./,
    );
    expect(out).toMatch(
      /Events:\n\s+AGE\s+ACTOR\s+WHAT\n[\s\S]*promoted Freight first-freight to dev/,
    );
  });

  it('names what is wrong with a Stage: a missing Warehouse, a missing upstream, a failed promotion', async () => {
    const lost = await cli(['describe', 'stages', 'lost']);
    expect(lost.out).toContain(
      '- requests Freight from Warehouse "nowhere", which does not exist in project tell',
    );
    expect(lost.out).toContain('- upstream Stage "ghost" does not exist');
    const prod = await cli(['describe', 'stage', 'prod', '-n', 'tell']);
    expect(prod.out).toMatch(/- the last Promotion prod\.\S+ failed: .*prod refused this Freight/);
    expect(prod.out).toMatch(/Stage dev\s/);
    expect(prod.out).toMatch(/approved Freight first-freight for Stage prod/);
    expect(prod.out).toMatch(
      /first-freight\s+Failed\s+\S+\s+token:\S+\s+prod\.\S+\s+.*prod refused/,
    );
  });

  it('describes Freight by its alias: artifacts, where it has been, approvals and who gave them', async () => {
    const { code, out } = await cli(['describe', 'freight', 'first-freight']);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^Alias:\s+first-freight$/m);
    expect(out).toMatch(/^Origin:\s+Warehouse\/app$/m);
    expect(out).toContain(`Artifacts:\n  commit  ${REPO}@1111111 "first change"`);
    expect(out).toMatch(/Stages:\n\s+STAGE\s+PROMOTED\s+NOW\n\s+dev\s+\S+ ago\s+here/);
    expect(out).toMatch(/Approved For:\n\s+STAGE\s+APPROVED\s+BY\n\s+prod\s+\S+ ago\s+token:\S+/);
    expect(out).toMatch(/prod\s+Failed/);
    expect(out).toMatch(/approved Freight first-freight for Stage prod/);
  });

  it('describes a Promotion with every step, its timing and the error in full', async () => {
    const promotion = (await gantry.store.list('Promotion', { namespace: 'tell' })).items.find(
      (p) => (p.spec as { stage: string }).stage === 'prod',
    )!;
    const { out } = await cli(['describe', 'promo', promotion.metadata.name]);
    expect(out).toMatch(/^Stage:\s+prod$/m);
    expect(out).toMatch(/^Freight:\s+first-freight \(\w+\)$/m);
    expect(out).toMatch(/^Phase:\s+Failed$/m);
    expect(out).toMatch(/^Promoted By:\s+token:\S+$/m);
    expect(out).toMatch(/\s+1\s+compose-output\s+\S*\s+Succeeded\s+\S+ ago\s+\d+m?s/);
    expect(out).toMatch(/\s+2\s+fail\s+\S*\s+(Failed|Errored)\s+/);
    expect(out).toContain('prod refused this Freight\n');
    expect(out).toContain('second line of the reason');
  });

  it('describes a Warehouse: its subscriptions and why discovery found nothing', async () => {
    const { out } = await cli(['describe', 'warehouse', 'app']);
    expect(out).toMatch(
      new RegExp(`git\\s+${REPO.replaceAll('.', '\\.')}\\s+NewestFromBranch, branch main`),
    );
    expect(out).toMatch(/^\s+Result:\s+failed: .+$/m);
    expect(out).toMatch(/^\s+Freight:\s+1 from this Warehouse$/m);
  });

  it('describes a Project: policies, stages, the freeze and who froze it', async () => {
    expect((await cli(['freeze', '--reason', 'release week'])).code).toBe(EXIT_OK);
    const { out } = await cli(['describe', 'project', 'tell']);
    expect(out).toMatch(/^Labels:\s+team=web$/m);
    expect(out).toMatch(/^Frozen:\s+yes, \S+ ago by token:\S+: release week/m);
    expect(out).toMatch(/^Stages:\s+3: dev, lost, prod$/m);
    expect(out).toMatch(
      /Promotion Policies:\n\s+STAGES\s+AUTO-PROMOTION\s+AUTO-ROLLBACK\n\s+dev\s+enabled\s+off/,
    );
    expect(out).toMatch(/froze Project tell: release week/);
    expect((await cli(['unfreeze'])).code).toBe(EXIT_OK);
  });

  it('describes every object of a kind without a name, and other kinds generically', async () => {
    const all = await cli(['describe', 'stages']);
    expect(all.out.match(/^Name:/gm)).toHaveLength(3);
    const config = await cli(['describe', 'projectconfig', 'tell']);
    expect(config.out).toMatch(/Content:\n\s+spec:\n\s+promotionPolicies:/);
  });

  it('fails clearly on an unknown kind, object or project', async () => {
    expect(await cli(['describe', 'stagse', 'dev'])).toMatchObject({
      code: EXIT_USAGE,
      err: 'error: unknown kind "stagse"; did you mean "stage"?',
    });
    expect(await cli(['describe', 'stage', 'nope'])).toMatchObject({ code: EXIT_FAILURE });
    expect((await cli(['describe', 'stage', 'nope'])).err).toMatch(/nope/);
    expect(await cli(['describe', 'freight', 'no-such-alias'])).toMatchObject({
      code: EXIT_FAILURE,
      err: 'error: Freight "no-such-alias" does not exist in project "tell" (by name or alias)',
    });
    expect(await cli(['describe', 'stages', '--project', 'nope'])).toMatchObject({
      code: EXIT_FAILURE,
      err: 'error: project "nope" does not exist (gantry get projects lists them)',
    });
  });
});
