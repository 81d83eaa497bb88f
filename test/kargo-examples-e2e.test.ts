import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageStatus } from '../src/api/stage.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { startFakeArgoCd, type FakeArgoCd } from './fake-argocd.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { cliAgainst, until } from './in-process-cli.js';
import {
  expandApplicationSet,
  fastForwardClock,
  KARGO_EXAMPLE_COMMITS,
  kargoExampleMissing,
  loadKargoExample,
  writeKargoManifests,
  type KargoExample,
} from './kargo-examples.js';
import { startRegistry, type TestRegistry } from './registry.js';

/**
 * Kargo's public example pipelines, akuity/kargo-simple and akuity/kargo-advanced (read as
 * published, at the commits in KARGO_EXAMPLE_COMMITS, from local mirrors: they carry no
 * licence, so nothing of them is copied here; without a mirror the test says it did not run), run as a user
 * runs them after forking and personalizing: the repository on a real git server over HTTP,
 * the guestbook image in a real registry, Argo CD Applications made from kargo-advanced's
 * ApplicationSet in the Argo CD double, the Kargo manifests applied with `gantry apply -f`, and
 * Promotions made with `gantry promote` (neither Project enables auto-promotion).
 *
 * Only addresses change: GitHub and GHCR become the test's servers, and the PokeAPI that
 * kargo-advanced's AnalysisTemplate asks (a `web` metric) becomes a loopback double answering
 * the real API's numbers: pikachu 112 (ab-test-a passes `result < 200`), charizard 240
 * (ab-test-b fails, as the example intends). The metric's own interval (5s × 5) is kept; the
 * analysis runs on a clock that skips its waits (fastForwardClock).
 *
 * Every Stage that needs no pull request is promoted; kargo-simple's prod opens one on
 * GitHub, which the test's git server is not: it must stop there, saying so.
 *
 * Both examples share one in-process Gantry, one registry (both watch ghcr.io/akuity/guestbook)
 * and one git server, and run side by side.
 */
const MISSING = (Object.keys(KARGO_EXAMPLE_COMMITS) as KargoExample[]).flatMap(
  (example) => kargoExampleMissing(example) ?? [],
);

if (MISSING.length > 0)
  describe('Kargo example pipelines end to end', () => {
    for (const reason of MISSING)
      it(`not run here: ${reason}`, () => expect(reason.length).toBeGreaterThan(10));
  });
else
  describe.concurrent('Kargo example pipelines end to end', { timeout: 120_000 }, () => {
    const TAG = 'v0.1.0';
    let dir: string;
    let gantry: RunningGantry;
    let registry: TestRegistry;
    let git: TestGitServer;
    let argocd: FakeArgoCd;
    let pokeapi: Server;
    const files = {} as Record<KargoExample, Record<string, string>>;
    /** How many times the PokeAPI double was asked for each pokemon. */
    const asked: Record<string, number> = {};
    const image = () => `${registry.host}/akuity/guestbook`;

    const cli = (project: KargoExample, args: string[]) => cliAgainst(() => gantry, project)(args);
    const promote = (project: KargoExample, stage: string, freight: string) =>
      cli(project, ['promote', '--stage', stage, '--freight', freight, '--wait']);
    const stageStatus = async (project: KargoExample, name: string) =>
      (await gantry.store.get({ kind: 'Stage', namespace: project, name }))?.status as
        StageStatus | undefined;
    /** The Freight a Stage shows as current, and its newest verification's phase. */
    const current = async (project: KargoExample, name: string) => {
      const entry = (await stageStatus(project, name))?.freightHistory?.[0];
      return {
        freight: entry?.items?.['Warehouse/guestbook']?.name,
        verification: entry?.verificationHistory?.[0]?.phase,
      };
    };
    /** The project's one Freight (one image tag, and for kargo-advanced one commit). */
    const theFreight = async (project: KargoExample) => {
      const { items } = await gantry.store.list('Freight', { namespace: project });
      expect(items).toHaveLength(1);
      return items[0]!.metadata.name;
    };
    const verifiedIn = async (project: KargoExample, freight: string, stage: string) => {
      const found = await gantry.store.get({ kind: 'Freight', namespace: project, name: freight });
      const status = found?.status as { verifiedIn?: Record<string, unknown> } | undefined;
      return status?.verifiedIn?.[stage] !== undefined;
    };
    const show = (repo: KargoExample, ref: string, path: string) =>
      git.git(repo, ['show', `${ref}:${path}`]);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gantry-kargo-examples-'));
      const baseExperience: Record<string, number> = { pikachu: 112, charizard: 240 };
      pokeapi = createServer((req, res) => {
        const name = /^\/api\/v2\/pokemon\/([^/?]+)$/.exec(req.url ?? '')?.[1] ?? '';
        const value = baseExperience[name];
        if (value === undefined) return void res.writeHead(404).end('Not Found');
        asked[name] = (asked[name] ?? 0) + 1;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ name, base_experience: value }));
      });
      await new Promise<void>((resolve) => pokeapi.listen(0, '127.0.0.1', resolve));
      [registry, git, argocd] = await Promise.all([
        startRegistry(),
        startGitServer(),
        startFakeArgoCd({ syncDelayMs: 20 }),
      ]);
      const addresses = {
        git: git.url,
        registry: registry.host,
        pokeapi: `http://127.0.0.1:${(pokeapi.address() as { port: number }).port}`,
      };
      for (const example of ['kargo-simple', 'kargo-advanced'] as const) {
        files[example] = loadKargoExample(example, addresses);
        git.createRepo(example, files[example]);
      }
      for (const app of expandApplicationSet(files['kargo-advanced'])) argocd.addApp(app);
      // The README's first image is v0.0.1, which the overlays already name; a new one to promote.
      await registry.pushImage('akuity/guestbook', TAG);
      gantry = await startGantry(
        resolveServerConfig(
          {
            port: '0',
            dataDir: join(dir, 'data'),
            minWarehouseInterval: '1h',
            healthInterval: '1s',
          },
          { GANTRY_ARGOCD_URL: argocd.url, GANTRY_ARGOCD_TOKEN: argocd.token },
        ),
        silentLogger,
        { analysisClock: fastForwardClock() },
      );
      for (const example of ['kargo-simple', 'kargo-advanced'] as const) {
        const applied = await cli(example, [
          'apply',
          '-f',
          writeKargoManifests(files[example], join(dir, example)),
        ]);
        expect(applied.code, `apply ${example}: ${applied.err}`).toBe(0);
        // kargo-advanced still writes allowTags: accepted and honoured, with Kargo's warning.
        expect(applied.err.split('\n').filter(Boolean)).toEqual(
          example === 'kargo-advanced'
            ? [expect.stringMatching(/^Warning: warehouse "guestbook": .*allowTags is deprecated/)]
            : [],
        );
      }
    });
    afterAll(async () => {
      await gantry?.stop();
      await Promise.all([registry?.stop(), git?.stop(), argocd?.stop()]);
      await new Promise<void>((resolve) => (pokeapi ? pokeapi.close(() => resolve()) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('kargo-simple: dev and staging get the new tag on main; prod stops at git-open-pr, naming no Git host', async () => {
      await until(
        async () =>
          (await gantry.store.list('Freight', { namespace: 'kargo-simple' })).items.length > 0,
        'the Warehouse to find the image',
      );
      const freight = await theFreight('kargo-simple');
      for (const stage of ['dev', 'staging']) {
        const promoted = await promote('kargo-simple', stage, freight);
        expect(promoted.err, stage).toBe('');
        expect(show('kargo-simple', 'main', `env/${stage}/kustomization.yaml`)).toContain(
          `images:\n- name: ${image()}\n  newTag: ${TAG}\n`,
        );
        // No verification and no health checks: verified once promoted, as in Kargo.
        await until(
          () => verifiedIn('kargo-simple', freight, stage),
          `the Freight verified in ${stage}`,
        );
        expect(await current('kargo-simple', stage)).toEqual({
          freight,
          verification: 'Successful',
        });
      }
      expect(git.git('kargo-simple', ['log', '-1', '--format=%s', 'main']).trim()).toBe(
        'Updated ./src/env/staging to use new image',
      );

      // prod sets openpr: its commit goes to a branch of its own, then git-open-pr needs the Git
      // host, and the test's git server is none that Kargo's host rules (or an operator's
      // --forge-config) name: Kargo's own answer. (The pull-request flow itself runs in
      // pull-request-e2e.test.ts, on the hosts' doubles.)
      const prod = await promote('kargo-simple', 'prod', freight);
      expect(prod.code).toBe(1);
      const noHost = `error creating git provider service: no registered providers for ${git.url}/kargo-simple.git`;
      expect(prod.err).toBe(
        `error: promotion ${/promotion (prod\.\S+) ended/.exec(prod.err)?.[1]} ended Errored: step "task-1::open-pr" errored: ${noHost}`,
      );
      const promotion = (await stageStatus('kargo-simple', 'prod'))?.lastPromotion?.status;
      expect(
        promotion?.stepExecutionMetadata?.map((step) => [step.alias, step.status, step.message]),
      ).toEqual([
        ['task-1::step-1', 'Succeeded', undefined],
        ['task-1::update-image', 'Succeeded', undefined],
        ['task-1::commit', 'Succeeded', undefined],
        ['task-1::step-4', 'Skipped', undefined],
        ['task-1::push', 'Succeeded', undefined],
        ['task-1::open-pr', 'Errored', noHost],
        // Its own `if` holds, so it runs, and finds no output of open-pr to read.
        ['task-1::wait-for-pr', 'Errored', 'prNumber: column 29: cannot fetch prNumber from <nil>'],
      ]);
      const pushed = (promotion?.state as Record<string, { branch?: string }>)['task-1::push'];
      expect(pushed?.branch).toMatch(/^kargo\/promotion\/prod\./);
      expect(show('kargo-simple', pushed!.branch!, 'env/prod/kustomization.yaml')).toContain(
        `newTag: ${TAG}`,
      );
      expect(show('kargo-simple', 'main', 'env/prod/kustomization.yaml')).toContain(
        'newTag: v0.0.1',
      );
      expect((await current('kargo-simple', 'prod')).freight).toBeUndefined();
    });

    it('kargo-advanced: rendered branches through dev, staging, the A/B tests and the prod Stages', async () => {
      await until(
        async () =>
          (await gantry.store.list('Freight', { namespace: 'kargo-advanced' })).items.length > 0,
        'the Warehouse to find the image and the commit',
      );
      const freight = await theFreight('kargo-advanced');
      const promoteAll = async (stages: string[]) => {
        const results = await Promise.all(
          stages.map((stage) => promote('kargo-advanced', stage, freight)),
        );
        expect(Object.fromEntries(results.map((result, i) => [stages[i], result.err]))).toEqual(
          Object.fromEntries(stages.map((stage) => [stage, ''])),
        );
      };
      const verified = (stage: string) =>
        until(
          () => verifiedIn('kargo-advanced', freight, stage),
          `the Freight verified in ${stage}`,
        );

      await promoteAll(['dev']);
      await verified('dev');
      await promoteAll(['staging']);
      await verified('staging');
      await promoteAll(['ab-test-a', 'ab-test-b']);
      // prod has no steps (a control-flow Stage): verified in ab-test-a, the Freight passes it.
      await verified('prod');
      await promoteAll(['prod-west', 'prod-central', 'prod-east']);

      const promoted = [
        'dev',
        'staging',
        'ab-test-a',
        'ab-test-b',
        'prod-west',
        'prod-central',
        'prod-east',
      ];
      for (const stage of promoted) {
        const branch = `env/${stage}`;
        // The rendered branch holds exactly what kustomize-build wrote: git-clear emptied it
        // (keeping .git, or nothing could be committed and pushed).
        expect(
          git.git('kargo-advanced', ['ls-tree', '--name-only', branch]).trim().split('\n'),
        ).toEqual([
          `guestbook-${stage}-deployment-guestbook.yaml`,
          `guestbook-${stage}-service-guestbook.yaml`,
          `namespace-guestbook-${stage}.yaml`,
        ]);
        expect(
          show('kargo-advanced', branch, `guestbook-${stage}-deployment-guestbook.yaml`),
        ).toContain(`image: ${image()}:${TAG}\n`);
        // Argo CD synced the app the ApplicationSet made for this Stage to the commit pushed.
        const head = git.git('kargo-advanced', ['rev-parse', branch]).trim();
        expect(argocd.app(`guestbook-${stage}`)?.status?.sync?.revision, stage).toBe(head);
      }
      // main is only read: the overlays are changed in the checkout, not pushed.
      expect(git.git('kargo-advanced', ['rev-list', '--count', 'main']).trim()).toBe('1');

      await until(
        async () => (await current('kargo-advanced', 'ab-test-b')).verification === 'Failed',
        "ab-test-b's verification to end",
      );
      await Promise.all(['prod-west', 'prod-central', 'prod-east'].map((stage) => verified(stage)));
      const expected: Record<string, string> = { 'ab-test-a': 'Successful', 'ab-test-b': 'Failed' };
      for (const stage of promoted)
        expect(await current('kargo-advanced', stage), stage).toEqual({
          freight,
          verification: expected[stage] ?? 'Successful',
        });
      const abTestB = (await stageStatus('kargo-advanced', 'ab-test-b'))?.freightHistory?.[0];
      expect(abTestB?.verificationHistory?.[0]?.message).toMatch(
        /"pokemon-xp" assessed Failed due to failed \(4\) > failureLimit \(3\)/,
      );
      // The template's count and failureLimit held: five measurements of pikachu; charizard's
      // fourth failure ended its run.
      expect(asked).toEqual({ pikachu: 5, charizard: 4 });
      expect(await verifiedIn('kargo-advanced', freight, 'ab-test-b')).toBe(false);
      expect(await verifiedIn('kargo-advanced', freight, 'ab-test-a')).toBe(true);
      expect((await current('kargo-advanced', 'prod')).freight).toBeUndefined();
    });
  });
