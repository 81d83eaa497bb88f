import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  spawnGantry,
  startGantryServer,
  type GantryServerProcess,
} from './gantry-process.js';
import { startGitServer, type TestGitServer } from './git-server.js';

const IMAGE = '127.0.0.1:5000/acme/frontend';
const instance = (env: string) =>
  readFileSync(join(ROOT, 'examples/frontend/gitops', env, 'frontend/instance.yaml'), 'utf8');

function manifests(gitopsRepo: string): string {
  return `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: frontend}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: frontend, namespace: frontend}
spec:
  subscriptions:
  - image: {repoURL: ${IMAGE}, constraint: ^1.0.0}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: PromotionTask
metadata: {name: promote-frontend, namespace: frontend}
spec:
  vars:
  - {name: gitopsRepo, value: ${gitopsRepo}}
  - {name: imageRepo, value: ${IMAGE}}
  - {name: envDir}
  steps:
  - uses: git-clone
    config:
      repoURL: \${{ vars.gitopsRepo }}
      checkout: [{branch: main, path: ./repo}]
  - uses: yaml-parse
    as: current
    config:
      path: ./repo/\${{ vars.envDir }}/frontend/instance.yaml
      outputs: [{name: oldTag, fromExpression: spec.values.deployment.tag}]
  - uses: yaml-update
    config:
      path: ./repo/\${{ vars.envDir }}/frontend/instance.yaml
      updates: [{key: spec.values.deployment.tag, value: "\${{ quote(imageFrom(vars.imageRepo).Tag) }}"}]
  - uses: git-commit
    as: commit
    config:
      path: ./repo
      message: Promote image from \${{ task.outputs.current.oldTag }} to \${{ imageFrom(vars.imageRepo).Tag }}
  - uses: git-push
    config: {path: ./repo}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: frontend}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: frontend}
    sources: {direct: true}
  promotionTemplate:
    spec:
      steps:
      - task: {name: promote-frontend}
        as: promote
        vars: [{name: envDir, value: develop}]
`;
}

const freight = (tag: string, alias: string) => `
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: f, namespace: frontend}
alias: ${alias}
origin: {kind: Warehouse, name: frontend}
images: [{repoURL: ${IMAGE}, tag: '${tag}', digest: 'sha256:${tag.replace(/\./g, '')}'}]
`;

/** The server's data dir: the CLI finds its initial admin token there, as on the server's machine. */
let serverDataDir = '';

async function gantry(
  args: string[],
  server: string,
  stdin = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawnGantry(args, {
    env: { GANTRY_SERVER: server, GANTRY_DATA_DIR: serverDataDir, GANTRY_TOKEN: '' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin!.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

describe('promotions end to end', () => {
  let git: TestGitServer;
  let dataDir: string;
  let server: GantryServerProcess | undefined;

  beforeAll(async () => {
    git = await startGitServer();
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-e2e-'));
    serverDataDir = dataDir;
    server = await startGantryServer(['--data-dir', dataDir], 0);
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await git.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('promotes a new image tag as one commit changing one line', async () => {
    const repo = git.createRepo('gitops', {
      'develop/frontend/instance.yaml': instance('develop'),
    });
    expect((await gantry(['apply', '-f', '-'], server!.url, manifests(repo))).code).toBe(0);
    expect(
      // Hand-made Freight of an image no registry serves: --force skips the registry check.
      (await gantry(['apply', '--force', '-f', '-'], server!.url, freight('1.2.2', 'brave-bison')))
        .code,
    ).toBe(0);

    const before = git.git('gitops', ['rev-parse', 'main']).trim();
    const plan = await gantry(
      ['promote', '--project', 'frontend', '--stage', 'dev', '--freight', 'brave-bison', '--plan'],
      server!.url,
    );
    expect(plan.err).toBe('');
    expect(plan.out).toContain('Plan for promoting brave-bison to dev (nothing was pushed):');
    expect(plan.out).toMatch(/commit [0-9a-f]{40} Promote image from 1\.2\.1 to 1\.2\.2/);
    expect(plan.out).toContain("-      tag: '1.2.1' # the version Gantry promotes");
    expect(plan.out).toContain('+      tag: 1.2.2 # the version Gantry promotes');
    expect(git.git('gitops', ['rev-parse', 'main']).trim()).toBe(before);
    expect(
      (await gantry(['get', 'promotions', '--project', 'frontend'], server!.url)).err,
    ).toContain('No promotions found in project frontend.');

    const promoted = await gantry(
      ['promote', '--project', 'frontend', '--stage', 'dev', '--freight', 'brave-bison', '--wait'],
      server!.url,
    );
    expect(promoted.err).toBe('');
    expect(promoted.code).toBe(0);
    const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(promoted.out)?.[1];
    expect(name).toMatch(/^dev\.[0-9a-z]{26}\.[0-9a-f]{7}$/);
    expect(promoted.out).toContain(`${name}: Succeeded`);

    expect(git.git('gitops', ['log', '-1', '--format=%s', 'main']).trim()).toBe(
      'Promote image from 1.2.1 to 1.2.2',
    );
    expect(git.git('gitops', ['diff', '--numstat', 'main~1', 'main']).trim()).toBe(
      '1\t1\tdevelop/frontend/instance.yaml',
    );

    const stage = JSON.parse(
      (await gantry(['get', 'stage', 'dev', '--project', 'frontend', '-o', 'json'], server!.url))
        .out,
    );
    const current = stage.status.freightHistory[0].items['Warehouse/frontend'];
    expect(current.images[0].tag).toBe('1.2.2');
    expect(stage.status.lastPromotion).toMatchObject({ name, status: { phase: 'Succeeded' } });
    expect(stage.status.currentPromotion).toBeUndefined();
    const freightObject = JSON.parse(
      (
        await gantry(
          ['get', 'freight', current.name, '--project', 'frontend', '-o', 'json'],
          server!.url,
        )
      ).out,
    );
    expect(Object.keys(freightObject.status.currentlyIn)).toEqual(['dev']);

    const logs = await gantry(['logs', 'promotion', name!, '--project', 'frontend'], server!.url);
    expect(logs.out).toContain('[promote::step-1] checked out branch main of');
    expect(logs.out).toContain('[promote::commit] committed');
    expect(logs.out).toContain('promotion succeeded');
  });

  it('pushes with the project credentials and never shows them', async () => {
    const secured = await startGitServer({ username: 'deploy', password: 'pa55-w0rd-xyz' });
    try {
      const repo = secured.createRepo('private', {
        'develop/frontend/instance.yaml': instance('develop'),
      });
      const project = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: private}
---
apiVersion: v1
kind: Secret
metadata:
  name: gitops-creds
  namespace: private
  labels: {kargo.akuity.io/cred-type: git}
stringData: {repoURL: ${repo}, username: deploy, password: pa55-w0rd-xyz}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: frontend, namespace: private}
spec:
  subscriptions: [{image: {repoURL: ${IMAGE}}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: private}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: frontend}, sources: {direct: true}}]
  promotionTemplate:
    spec:
      steps:
      - {uses: git-clone, config: {repoURL: ${repo}, checkout: [{branch: main, path: repo}]}}
      - uses: yaml-update
        config: {path: repo/develop/frontend/instance.yaml, updates: [{key: spec.values.deployment.tag, value: "\${{ quote(imageFrom('${IMAGE}').Tag) }}"}]}
      - {uses: git-commit, config: {path: repo, message: bump}}
      - {uses: git-push, config: {path: repo}}
`;
      expect((await gantry(['apply', '-f', '-'], server!.url, project)).code).toBe(0);
      expect(
        (
          await gantry(
            ['apply', '--force', '-f', '-'],
            server!.url,
            freight('2.0.0', 'deep-dingo').replace('namespace: frontend', 'namespace: private'),
          )
        ).code,
      ).toBe(0);
      const promoted = await gantry(
        ['promote', '--project', 'private', '--stage', 'dev', '--freight', 'deep-dingo', '--wait'],
        server!.url,
      );
      expect(promoted.err).toBe('');
      expect(promoted.code).toBe(0);
      expect(secured.git('private', ['log', '-1', '--format=%s', 'main']).trim()).toBe('bump');
      const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(promoted.out)![1]!;
      const everything = [
        (await gantry(['get', 'promo', name, '--project', 'private', '-o', 'json'], server!.url))
          .out,
        (await gantry(['logs', 'promotion', name, '--project', 'private'], server!.url)).out,
        (await gantry(['get', 'secrets', '--project', 'private', '-o', 'yaml'], server!.url)).out,
        server!.log(),
      ].join('\n');
      expect(everything).not.toContain('pa55-w0rd-xyz');
      expect(everything).not.toContain(Buffer.from('pa55-w0rd-xyz').toString('base64'));
    } finally {
      await secured.stop();
    }
  });

  it('resumes a promotion after the server is killed in the middle of it', async () => {
    expect(
      (await gantry(['apply', '--force', '-f', '-'], server!.url, freight('1.2.3', 'calm-crane')))
        .code,
    ).toBe(0);
    const pushes = git.holdPushes(); // the push waits until the server has been killed
    const started = await gantry(
      ['promote', '--project', 'frontend', '--stage', 'dev', '--freight', 'calm-crane'],
      server!.url,
    );
    const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(started.out)![1]!;
    // Wait until the push (the last step) has reached the git server and the Promotion's
    // progress is saved at that step (a step's start is saved once it has run for a while:
    // killed before that, the Promotion starts again from its first step, also correct),
    // then kill the server.
    const savedAt = async () =>
      (
        JSON.parse(
          (await gantry(['get', 'promo', name, '--project', 'frontend', '-o', 'json'], server!.url))
            .out,
        ) as { status?: { phase?: string; currentStep?: number } }
      ).status;
    for (const deadline = Date.now() + 120_000; ;) {
      const saved = pushes.waiting() > 0 ? await savedAt() : undefined;
      if (saved?.phase === 'Running' && saved.currentStep === 4) break;
      if (Date.now() > deadline) throw new Error(`promotion ${name} never saved its push step`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server!.child.kill('SIGKILL');
    await server!.exited;
    pushes.release();
    server = await startGantryServer(['--data-dir', dataDir], 0);
    let phase = '';
    for (
      const deadline = Date.now() + 120_000;
      !['Succeeded', 'Failed', 'Errored'].includes(phase) && Date.now() < deadline;
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      phase =
        JSON.parse(
          (await gantry(['get', 'promo', name, '--project', 'frontend', '-o', 'json'], server.url))
            .out,
        ).status?.phase ?? '';
    }
    expect(phase).toBe('Succeeded');
    const subjects = git.git('gitops', ['log', '--format=%s', 'main']).trim().split('\n');
    expect(subjects.filter((s) => s === 'Promote image from 1.2.2 to 1.2.3')).toHaveLength(1);
    const logs = (await gantry(['logs', 'promotion', name, '--project', 'frontend'], server.url))
      .out;
    expect(logs).toContain('resuming at step 5 after a restart');
  });
});
