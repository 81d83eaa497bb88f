import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeArgoCd, type FakeApplication, type FakeArgoCd } from '../../test/fake-argocd.js';
import { startGitHubDouble, type GitHubDouble } from '../../test/forges/github-double.js';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { createForgeConnector } from '../forges/forge-connector.js';
import type { ForgeConnector } from '../forges/forge.js';
import type { PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { ObjectKey, StoredResource } from '../api/resource.js';
import { planPromotion } from '../controllers/promotion-planner.js';
import { promotionWork } from '../controllers/stage-promotion-status.js';
import type { ArtifactRegistry } from '../artifacts/artifact-registry.js';
import { runPromotion, type RunnerDeps } from '../engine/promotion-runner.js';
import { defineStep, type StepDefinition } from '../engine/step.js';
import { runGit } from '../git/git-cli.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { ArgoCdApiClient } from '../integrations/argocd/argocd-api-client.js';
import { argoCdInstances, type ArgoCdInstances } from '../integrations/argocd/argocd-client.js';
import { createGuardedHttp } from '../outbound/guarded-http.js';
import { createOutboundPolicy } from '../outbound/outbound-policy.js';
import type { Store } from '../store/store.js';
import { BUILTIN_STEPS } from './index.js';

/**
 * Plan mode leaves nothing behind (issue 15): after any number of `promote --plan` runs, the
 * real promotion behaves as if none had run, for every built-in step kind. Each row is a small
 * promotion exercising its kinds. It runs once without planning in a fresh world A; in a fresh
 * world B it is planned PLANS times, then run; both runs must be observably the same (status,
 * outputs, the remote's refs and files, the working directory's files at the end, the Argo CD
 * double's Applications and the changes asked of it, the HTTP requests received, the metadata
 * written), and the plans must leave nothing: no remote ref, no file under the scratch root, no
 * ref in the repository cache's mirror that the remote lacks, no pooled working tree, no request
 * that changes anything, no metadata.
 *
 * The git steps run against a real git server over HTTP; the file steps run on files seeded in
 * the working directory (a git round trip per row would add nothing the git rows do not cover,
 * and costs seconds), read back by a test step at the end.
 */

const PLANS = 2;
const NOW = new Date('2026-12-06T10:00:00Z');
const ARGO_REPO = 'https://git.example/frontend.git';

/** What a row's steps may point at in its world. */
interface Endpoints {
  /** The row's git repository. */
  repo: string;
  /** The loopback HTTP server of the http step (a path of the world's own). */
  http: string;
}

interface Row {
  /** The built-in step kinds the row exercises (git ones come together: a push needs a commit). */
  kinds: string[];
  /** Files on `main` of the row's repository: the row uses git. */
  remote?: Record<string, string>;
  /** Files seeded in the working directory before the row's steps. */
  seed?: Record<string, string>;
  /** Applications of the Argo CD double. */
  apps?: FakeApplication[];
  steps(at: Endpoints): PromotionStep[];
  phase: 'Succeeded' | 'Failed' | 'Errored';
}

/** Test steps: seed files in the working directory, and read them all back as outputs. */
const SEED_STEP = defineStep({
  kind: 'test-seed',
  description: 'Writes files in the working directory (test only)',
  configSchema: z.strictObject({ files: z.record(z.string(), z.string()) }),
  capabilities: [],
  run(context, config) {
    for (const [path, text] of Object.entries(config.files)) context.workDir.writeFile(path, text);
    return Promise.resolve({ status: 'Succeeded' });
  },
});
const READ_STEP = defineStep({
  kind: 'test-read',
  description: 'Outputs every file of the working directory but .git (test only)',
  configSchema: z.strictObject({}),
  capabilities: [],
  run(context) {
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((x, y) =>
        x.name < y.name ? -1 : 1,
      )) {
        if (entry.name === '.git') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else files[relative(context.workDir.root, path)] = readFileSync(path, 'utf8');
      }
    };
    walk(context.workDir.root);
    return Promise.resolve({ status: 'Succeeded', output: { files } });
  },
});
const STEPS = new Map<string, StepDefinition>(
  [...BUILTIN_STEPS, SEED_STEP, READ_STEP].map((s) => [s.kind, s]),
);

const KUSTOMIZATION = [
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'resources:',
  '- deployment.yaml',
  '',
].join('\n');
const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - name: web',
  '        image: nginx:1.0',
  '',
].join('\n');

function argoApp(name: string): FakeApplication {
  return {
    metadata: {
      name,
      labels: { app: 'frontend' },
      annotations: { 'kargo.akuity.io/authorized-stage': 'shop:dev' },
    },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: name },
      source: { repoURL: ARGO_REPO, targetRevision: 'env/dev', path: 'dev' },
    },
    status: { sync: { status: 'Synced', revision: 'old' }, health: { status: 'Healthy' } },
  };
}

const ROWS: Row[] = [
  {
    // One row for the git steps: each round trip costs, and a push needs a commit anyway.
    kinds: ['git-clone', 'git-clear', 'git-commit', 'git-tag', 'git-push'],
    remote: { 'a.yaml': 'a: 1\n', 'b/c.yaml': 'c: 1\n' },
    // main emptied and rewritten, committed, tagged, pushed to a branch named after the
    // Promotion (new on the remote) with its tag; and a branch the clone starts (`create`).
    steps: (at) => [
      {
        uses: 'git-clone',
        as: 'clone',
        config: {
          repoURL: at.repo,
          checkout: [
            { branch: 'main', path: './main' },
            { branch: 'env/dev', create: true, path: './out' },
          ],
        },
      },
      { uses: 'git-clear', config: { path: './main' } },
      { uses: 'file-write', config: { path: './main/app.yaml', contents: 'replicas: 2\n' } },
      { uses: 'git-commit', as: 'commit', config: { path: './main', message: 'replicas 2' } },
      { uses: 'git-tag', config: { path: './main', tag: 'v1', message: 'release 1' } },
      {
        uses: 'git-push',
        as: 'push',
        config: { path: './main', generateTargetBranch: true },
      },
      { uses: 'git-push', as: 'pushTag', config: { path: './main', tag: 'v1' } },
    ],
    phase: 'Succeeded',
  },
  {
    // Pull-request promotion on the GitHub double: the branch pushed, a pull request opened,
    // merged through the API, and waited for (merged already). A plan pushes no branch, opens
    // and merges nothing.
    kinds: ['git-open-pr', 'git-merge-pr', 'git-wait-for-pr'],
    remote: { 'app.yaml': 'replicas: 1\n' },
    steps: (at) => [
      {
        uses: 'git-clone',
        config: { repoURL: at.repo, checkout: [{ branch: 'main', path: './main' }] },
      },
      {
        uses: 'file-write',
        config: { path: './main/app.yaml', contents: 'replicas: 2\n', overwrite: true },
      },
      { uses: 'git-commit', config: { path: './main', message: 'replicas 2' } },
      { uses: 'git-push', as: 'push', config: { path: './main', generateTargetBranch: true } },
      {
        uses: 'git-open-pr',
        as: 'open',
        config: {
          repoURL: at.repo,
          sourceBranch: '${{ outputs.push.branch }}',
          targetBranch: 'main',
          labels: ['kargo'],
        },
      },
      {
        uses: 'git-merge-pr',
        as: 'merge',
        config: { repoURL: at.repo, prNumber: '${{ outputs.open.pr.id }}' },
      },
      {
        uses: 'git-wait-for-pr',
        as: 'wait',
        config: { repoURL: at.repo, prNumber: '${{ outputs.open.pr.id }}' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    // github-push on the GitHub double: the commit recreated through GitHub's API on a new
    // branch. A plan pushes nothing: no staging ref, no API call that writes.
    kinds: ['github-push'],
    remote: { 'app.yaml': 'replicas: 1\n' },
    steps: (at) => [
      {
        uses: 'git-clone',
        config: { repoURL: at.repo, checkout: [{ branch: 'main', path: './main' }] },
      },
      {
        uses: 'file-write',
        config: { path: './main/app.yaml', contents: 'replicas: 2\n', overwrite: true },
      },
      { uses: 'git-commit', config: { path: './main', message: 'replicas 2' } },
      { uses: 'github-push', as: 'push', config: { path: './main', generateTargetBranch: true } },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['yaml-parse'],
    seed: { 'values.yaml': 'image:\n  tag: "1.2"\n' },
    steps: () => [
      {
        uses: 'yaml-parse',
        as: 'parsed',
        config: { path: './values.yaml', outputs: [{ name: 'tag', fromExpression: 'image.tag' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['yaml-update'],
    seed: { 'values.yaml': 'image:\n  tag: "1.2"\n' },
    steps: () => [
      {
        uses: 'yaml-update',
        as: 'update',
        config: { path: './values.yaml', updates: [{ key: 'image.tag', value: '1.3' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['yaml-merge'],
    seed: { 'base.yaml': 'image:\n  tag: "1.2"\n', 'dev.yaml': 'image:\n  tag: "1.3"\n' },
    steps: () => [
      {
        uses: 'yaml-merge',
        as: 'merge',
        config: { inFiles: ['./base.yaml', './dev.yaml'], outFile: './out/values.yaml' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['oci-download'],
    steps: () => [
      {
        uses: 'oci-download',
        config: { imageRef: 'registry.test/team/notes:v1', outPath: './notes/notes.txt' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['oci-push'],
    // A copy to another repository: a plan reads the source, never writes the destination.
    steps: () => [
      {
        uses: 'oci-push',
        as: 'push',
        config: { srcRef: 'registry.test/team/notes:v1', destRef: 'registry.test/prod/notes:v1' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['json-parse'],
    seed: { 'config.json': '{"image":{"tag":"1.2"}}\n' },
    steps: () => [
      {
        uses: 'json-parse',
        as: 'parsed',
        config: { path: './config.json', outputs: [{ name: 'tag', fromExpression: 'image.tag' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['json-update'],
    seed: { 'config.json': '{"image":{"tag":"1.2"}}\n' },
    steps: () => [
      {
        uses: 'json-update',
        as: 'update',
        config: { path: './config.json', updates: [{ key: 'image.tag', value: '1.3' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['toml-parse'],
    seed: { 'config.toml': '[image]\ntag = "1.2"\n' },
    steps: () => [
      {
        uses: 'toml-parse',
        as: 'parsed',
        config: { path: './config.toml', outputs: [{ name: 'tag', fromExpression: 'image.tag' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['toml-update'],
    seed: { 'config.toml': '[image]\ntag = "1.2" # pinned\n' },
    steps: () => [
      {
        uses: 'toml-update',
        as: 'update',
        config: { path: './config.toml', updates: [{ key: 'image.tag', value: '1.3' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['copy'],
    seed: { 'base/app.yaml': 'replicas: 1\n' },
    steps: () => [{ uses: 'copy', config: { inPath: './base', outPath: './dev' } }],
    phase: 'Succeeded',
  },
  {
    kinds: ['delete'],
    seed: { 'keep.yaml': 'a: 1\n', 'old.yaml': 'b: 1\n' },
    steps: () => [{ uses: 'delete', config: { path: './old.yaml' } }],
    phase: 'Succeeded',
  },
  {
    kinds: ['tar', 'untar'],
    seed: { 'base/app.yaml': 'replicas: 1\n', 'base/sub/b.yaml': 'b: 1\n' },
    // The archive holds files' times, which differ between worlds: read back only what it held.
    steps: () => [
      { uses: 'tar', config: { inPath: './base', outPath: './out/base.tar.gz', gzip: true } },
      { uses: 'untar', config: { inPath: './out/base.tar.gz', outPath: './dev' } },
      { uses: 'delete', config: { path: './out' } },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['file-write'],
    steps: () => [
      {
        uses: 'file-write',
        config: { path: './dev/notes.txt', contents: 'promoted by ${{ ctx.promotion }}\n' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['kustomize-set-image'],
    seed: { 'dev/kustomization.yaml': KUSTOMIZATION, 'dev/deployment.yaml': DEPLOYMENT },
    steps: () => [
      {
        uses: 'kustomize-set-image',
        as: 'image',
        config: { path: './dev', images: [{ image: 'nginx', tag: '1.27' }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['kustomize-build'],
    seed: { 'dev/kustomization.yaml': KUSTOMIZATION, 'dev/deployment.yaml': DEPLOYMENT },
    steps: () => [
      { uses: 'kustomize-build', config: { path: './dev', outPath: './out/all.yaml' } },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['helm-template'],
    // Rendered by the real helm (scripts/install-helm.sh), into a file and in Helm's layout.
    seed: {
      'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
      'chart/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  tag: {{ .Values.tag | quote }}\n',
    },
    steps: () => [
      {
        uses: 'helm-template',
        config: {
          path: './chart',
          outPath: './out/all.yaml',
          releaseName: 'shop',
          setValues: [{ key: 'tag', value: '1.2.3' }],
        },
      },
      {
        uses: 'helm-template',
        config: { path: './chart', outPath: './out/tree', releaseName: 'shop' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['helm-update-chart'],
    // A file:// dependency: no chart repository needed.
    seed: {
      'chart/Chart.yaml': [
        'apiVersion: v2',
        'name: shop',
        'version: 0.1.0',
        'dependencies:',
        '- name: redis',
        '  repository: file://../redis',
        '  version: 1.0.0',
        '',
      ].join('\n'),
      'redis/Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 1.1.0\n',
      'redis/templates/service.yaml': 'kind: Service\n',
    },
    steps: () => [
      {
        uses: 'helm-update-chart',
        as: 'chart',
        config: {
          path: './chart',
          charts: [{ repository: 'file://../redis', name: 'redis', version: '1.1.0' }],
        },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['http'],
    // A GET whose answer feeds a POST: plans may read, never write.
    steps: (at) => [
      {
        uses: 'http',
        as: 'version',
        config: {
          url: `${at.http}/version`,
          outputs: [{ name: 'version', fromExpression: 'response.body.version' }],
        },
      },
      {
        uses: 'http',
        as: 'deploy',
        config: {
          method: 'POST',
          url: `${at.http}/deploy`,
          body: 'version=${{ outputs.version.version }}',
          successExpression: 'response.status == 201',
        },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['http-download'],
    // A GET into the working directory: a plan may download, as it may read.
    steps: (at) => [
      {
        uses: 'http-download',
        config: { url: `${at.http}/version`, outPath: './out/version.json' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['set-metadata'],
    steps: () => [
      {
        uses: 'set-metadata',
        config: { updates: [{ kind: 'Stage', name: 'dev', values: { deployedBy: 'gantry' } }] },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['set-freight-alias'],
    steps: () => [{ uses: 'set-freight-alias', config: { name: 'f1', alias: 'gold-release' } }],
    phase: 'Succeeded',
  },
  {
    kinds: ['compose-output'],
    steps: () => [
      {
        uses: 'compose-output',
        as: 'out',
        config: { stage: '${{ ctx.stage }}', promotion: '${{ ctx.promotion }}' },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['fail'],
    // The promotion stops: the file after it is never written (the reading step still runs).
    steps: () => [
      { uses: 'file-write', config: { path: './before.txt', contents: 'x\n' } },
      { uses: 'fail', config: { message: 'stop here' } },
      { uses: 'file-write', config: { path: './after.txt', contents: 'x\n' } },
    ],
    phase: 'Failed',
  },
  {
    kinds: ['argocd-update'],
    apps: [argoApp('frontend-dev')],
    steps: () => [
      {
        uses: 'argocd-update',
        as: 'sync',
        config: {
          apps: [
            {
              name: 'frontend-dev',
              sources: [{ repoURL: ARGO_REPO, desiredRevision: 'v2', updateTargetRevision: true }],
            },
          ],
        },
      },
    ],
    phase: 'Succeeded',
  },
  {
    kinds: ['argocd-wait'],
    apps: [argoApp('frontend-dev')],
    steps: () => [
      { uses: 'argocd-wait', as: 'wait', config: { apps: [{ name: 'frontend-dev' }] } },
    ],
    phase: 'Succeeded',
  },
];

describe('plan mode leaves nothing behind, for every step kind', () => {
  let git: TestGitServer;
  let github: GitHubDouble;
  let forges: ForgeConnector;
  let http: Server;
  let httpBase: string;
  /** Requests the loopback HTTP server received: method, path and body. */
  const received: string[] = [];
  /** Those of one world (its steps call URLs under /<repository name>/). */
  const requests = (at: World) => received.filter((r) => r.includes(` /${at.repo}/`));
  let dir: string;

  beforeAll(async () => {
    git = await startGitServer();
    github = await startGitHubDouble(git);
    // The operator's --forge-config: the loopback git server is a GitHub Enterprise.
    forges = createForgeConnector({
      hosts: [
        { url: git.url, provider: 'github', apiUrl: github.apiUrl, insecureSkipTLSVerify: false },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'gantry-plan-mode-'));
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(`${req.method} ${req.url}${body ? ` ${body}` : ''}`);
        if (req.url?.endsWith('/version'))
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.4"}');
        else if (req.url?.endsWith('/deploy') && req.method === 'POST') res.writeHead(201).end();
        // Never answers: a plan stopped while it waits.
        else if (req.url?.endsWith('/hang')) return;
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpBase = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await github.stop();
    await git.stop();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const meta = (name: string) =>
    ({ name, namespace: 'shop' }) as unknown as StoredResource['metadata'];
  const freight = {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Freight',
    metadata: meta('f1'),
    origin: { kind: 'Warehouse', name: 'shop' },
  } as unknown as StoredResource;
  const stage = {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: meta('dev'),
    spec: {},
  } as unknown as StoredResource;
  /** The planner reads the Stage and the Freight, and lists the project's objects (none). */
  const store = {
    get: (key: ObjectKey) =>
      Promise.resolve(key.kind === 'Freight' ? freight : key.kind === 'Stage' ? stage : undefined),
    list: () => Promise.resolve({ items: [] }),
  } as unknown as Store;

  /** Everything one run of a row can touch: its own repository, data directory and Argo CD. */
  interface World {
    repo: string;
    url: string;
    data: string;
    repositories: RepositoryCache;
    argocd?: FakeArgoCd | undefined;
    instances?: ArgoCdInstances | undefined;
    metadata: string[];
    /** Whether the row has a git repository (`url` is a name that resolves nowhere otherwise). */
    git: boolean;
    /** Names of the row's Applications. */
    apps: string[];
    runner: Omit<RunnerDeps, 'log' | 'workRoot'>;
    close(): Promise<void>;
  }

  /** A registry holding one artifact, `registry.test/team/notes:v1` (its first layer a text). */
  const NOTES_ARTIFACT: ArtifactRegistry = {
    manifest: () =>
      Promise.resolve({
        digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000001',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        layers: [
          {
            mediaType: 'text/plain',
            digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000002',
            size: 6,
          },
        ],
      }),
    blob: () => Promise.resolve(Buffer.from('notes\n')),
    rawManifest: () => {
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.empty.v1+json',
            digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000003',
            size: 2,
          },
          layers: [
            {
              mediaType: 'text/plain',
              digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000002',
              size: 6,
            },
          ],
        }),
      );
      return Promise.resolve({
        digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        bytes,
      });
    },
    copyBlob: () => Promise.reject(new Error('this registry is read only')),
    putManifest: () => Promise.reject(new Error('this registry is read only')),
  };

  /** The registry of one world: it records what is pushed to it with the world's metadata. */
  const artifactsOf = (metadata: string[]): ArtifactRegistry => ({
    ...NOTES_ARTIFACT,
    copyBlob: (blob, from, to) => {
      metadata.push(`blob ${blob.digest} ${from.repository} -> ${to.repository}`);
      return Promise.resolve('uploaded');
    },
    putManifest: (repository, reference, manifest) => {
      metadata.push(`manifest ${repository}:${reference}`);
      return Promise.resolve(`sha256:${createHash('sha256').update(manifest.bytes).digest('hex')}`);
    },
  });

  async function world(row: Row, name: string): Promise<World> {
    // GitHub names a repository owner/name.
    const owner = row.kinds.some((kind) => ['git-open-pr', 'github-push'].includes(kind))
      ? 'acme/'
      : '';
    const repo = `${owner}${row.kinds[0] ?? 'extra'}-${name}`;
    const url = row.remote ? git.createRepo(repo, row.remote) : `https://git.invalid/${repo}`;
    const data = join(dir, repo);
    const repositories = new RepositoryCache(data, {});
    const argocd = row.apps
      ? await startFakeArgoCd({ syncDelayMs: 10, now: () => NOW })
      : undefined;
    for (const app of row.apps ?? []) argocd?.addApp(app);
    const instances = argocd
      ? argoCdInstances([new ArgoCdApiClient({ url: argocd.url, token: argocd.token })])
      : undefined;
    const metadata: string[] = [];
    return {
      repo,
      url,
      data,
      repositories,
      argocd,
      instances,
      metadata,
      git: !!row.remote,
      apps: (row.apps ?? []).map((app) => app.metadata.name),
      runner: {
        steps: STEPS,
        repositories,
        // github-push needs a token for GitHub's API (the double takes any).
        credentialsFor: () =>
          Promise.resolve(
            row.kinds.includes('github-push')
              ? { username: 'kargo', password: 'token' }
              : undefined,
          ),
        now: () => NOW,
        // Real time, briefly: argocd steps wait for the double's operations.
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10))),
        argocd: instances,
        forges,
        artifacts: artifactsOf(metadata),
        http: createGuardedHttp(createOutboundPolicy({ allow: ['loopback'], deny: [] })),
        setMetadata: (project, kind, target, values) => {
          metadata.push(`${project}/${kind}/${target} ${JSON.stringify(values)}`);
          return Promise.resolve();
        },
        setFreightAlias: (project, name, alias) => {
          metadata.push(`${project}/Freight/${name} alias ${alias}`);
          return Promise.resolve({ previous: 'old-alias' });
        },
      },
      async close() {
        instances?.close();
        await argocd?.stop();
      },
    };
  }

  function promotion(row: Row, at: World): StoredResource {
    return {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: meta('dev.01jplan.abc1234'),
      spec: {
        stage: 'dev',
        freight: 'f1',
        steps: [
          ...(row.seed ? [{ uses: SEED_STEP.kind, config: { files: row.seed } }] : []),
          ...row.steps({ repo: at.url, http: `${httpBase}/${at.repo}` }),
          { uses: READ_STEP.kind, as: 'files', if: 'always()' },
        ],
      },
    };
  }

  function promote(row: Row, at: World): Promise<PromotionStatus> {
    return runPromotion(
      promotionWork(promotion(row, at), freight, stage),
      { ...at.runner, workRoot: join(at.data, 'work'), log: () => undefined },
      { status: {}, save: () => Promise.resolve(), signal: new AbortController().signal },
    );
  }

  function plan(row: Row, at: World) {
    return planPromotion(promotion(row, at), {
      store,
      runner: at.runner,
      dataDir: at.data,
      signal: new AbortController().signal,
    });
  }

  const remoteRefs = (at: World) =>
    at.git ? git.git(at.repo, ['for-each-ref', '--format=%(refname) %(objectname)']) : '';

  /** The remote's refs, each with its commit's message, parents and files. */
  function remote(at: World): Record<string, unknown> {
    if (!at.git) return {};
    const refs = git
      .git(at.repo, ['for-each-ref', '--format=%(refname) %(objecttype)'])
      .split('\n')
      .filter(Boolean);
    return Object.fromEntries(
      refs.map((line) => {
        const [ref = '', type] = line.split(' ');
        const commitOf = `${ref}^{commit}`;
        const files = git
          .git(at.repo, ['ls-tree', '-r', '--name-only', commitOf])
          .split('\n')
          .filter(Boolean);
        // One git run for the commit, its parents, author and message.
        const [commit, parents, ...message] = git
          .git(at.repo, ['log', '-1', '--format=%H%n%P%n%an <%ae>%n%B', commitOf])
          .trim()
          .split('\n');
        return [
          ref,
          {
            type,
            commit,
            parents,
            message: message.join('\n'),
            ...(type === 'tag' && {
              tagMessage: git.git(at.repo, ['for-each-ref', '--format=%(contents)', ref]).trim(),
            }),
            files: Object.fromEntries(
              files.map((file) => [file, git.git(at.repo, ['show', `${commitOf}:${file}`])]),
            ),
          },
        ];
      }),
    );
  }

  const mutations = (argocd: FakeArgoCd | undefined, from = 0) =>
    (argocd?.requests ?? [])
      .slice(from)
      .filter((r) => r.method !== 'GET' || r.path.includes('refresh='))
      .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`);

  /**
   * What a run left for anyone to see. Commit ids differ between worlds (commits carry the
   * clock): each is replaced by its order of first appearance, so equal ids stay equal. The
   * repository URL differs by the repository's name.
   */
  function observe(
    at: World,
    status: PromotionStatus,
    since: { http: number; argocd: number },
  ): unknown {
    const seen = {
      phase: status.phase,
      message: status.message,
      steps: status.stepExecutionMetadata?.map((m) => `${m.alias} ${m.status} ${m.message ?? ''}`),
      state: status.state,
      healthChecks: status.healthChecks,
      remote: remote(at),
      argocd: at.argocd && {
        apps: at.apps.map((name) => at.argocd?.app(name)),
        mutations: mutations(at.argocd, since.argocd),
      },
      http: requests(at).slice(since.http),
      forge: forgeChanges(at),
      metadata: at.metadata,
    };
    const ids = new Map<string, string>();
    const text = JSON.stringify(seen)
      .replaceAll(at.url, '<repo>')
      .replaceAll(at.repo, '<world>')
      .replaceAll(at.argocd?.url ?? '<none>', '<argocd>')
      .replace(/\b[0-9a-f]{40}\b/g, (id) => {
        if (!ids.has(id)) ids.set(id, `<commit ${ids.size + 1}>`);
        return ids.get(id)!;
      });
    return JSON.parse(text) as unknown;
  }

  /** What the world's steps asked the GitHub double to change (plans: nothing). */
  const forgeChanges = (at: World) =>
    github.requests.filter((r) => r.includes(`/repos/${at.repo}/`) && !/^(GET|HEAD) /.test(r));

  /** Refs of the repository cache's mirror of the row's repository, or '' when none was made. */
  function mirrorRefs(at: World): string {
    const mirror = at.repositories.mirrorPath(at.url);
    if (!existsSync(mirror)) return '';
    return git.git(at.repo, [
      `--git-dir=${mirror}`,
      'for-each-ref',
      '--format=%(refname) %(objectname)',
    ]);
  }

  /** Working trees kept for reuse, ignoring those being deleted in the background. */
  function pooledTrees(at: World): string[] {
    const root = join(at.data, 'git', 'trees');
    if (!existsSync(root)) return [];
    return readdirSync(root).flatMap((key) =>
      readdirSync(join(root, key)).filter((entry) => !entry.endsWith('.discard')),
    );
  }

  /** Objects of a repository: the remote's, or (with `gitDir`) the repository cache's mirror. */
  function objects(at: World, gitDir?: string): string[] {
    if (!at.git || (gitDir && !existsSync(gitDir))) return [];
    const args = ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'];
    return git
      .git(at.repo, gitDir ? [`--git-dir=${gitDir}`, ...args] : args)
      .split('\n')
      .filter(Boolean);
  }

  /**
   * The data directory's paths, not inside mirrors (a fetch rewrites their files) nor inside
   * pooled trees (named at random: each is `<tree>`), without the planner's scratch root.
   */
  function dataPaths(at: World): string[] {
    const paths: string[] = [];
    const walk = (dir: string, rel: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if ((!rel && entry.name === 'plans') || entry.name.endsWith('.discard')) continue;
        // Mirrors and tree pools are named after the repository URL (which differs by world),
        // pooled trees at random.
        const pooled = rel.startsWith('git/trees/');
        const name =
          rel === 'git/mirrors'
            ? '<mirror>'
            : rel === 'git/trees'
              ? '<pool>'
              : pooled
                ? '<tree>'
                : entry.name;
        const path = rel ? `${rel}/${name}` : name;
        paths.push(path);
        if (entry.isDirectory() && rel !== 'git/mirrors' && !pooled)
          walk(join(dir, entry.name), path);
      }
    };
    walk(at.data, '');
    return paths.sort();
  }

  it('every built-in step kind has a row, and each row uses its kind', () => {
    expect(ROWS.flatMap((row) => row.kinds).sort()).toEqual(
      BUILTIN_STEPS.map((s) => s.kind).sort(),
    );
    for (const row of ROWS) {
      const uses = row.steps({ repo: 'r', http: 'h' }).map((s) => s.uses);
      expect(row.kinds.filter((kind) => !uses.includes(kind))).toEqual([]);
    }
  });

  /** What one world's row must see after the plans: the world after the plain promotion. */
  async function promoteAlone(row: Row): Promise<unknown> {
    const a = await world(row, 'a');
    try {
      const status = await promote(row, a);
      expect(status.phase, JSON.stringify(status)).toBe(row.phase);
      return { ...(observe(a, status, { http: 0, argocd: 0 }) as object), data: dataPaths(a) };
    } finally {
      await a.close();
    }
  }

  /** Plans PLANS times, checking each leaves nothing, then promotes. */
  async function promoteAfterPlans(row: Row): Promise<unknown> {
    const b = await world(row, 'b');
    try {
      const refs = remoteRefs(b);
      const apps = b.apps.map((name) => b.argocd?.app(name));
      for (let i = 0; i < PLANS; i++) {
        const before = requests(b).length;
        const report = await plan(row, b);
        expect(report.phase, JSON.stringify(report)).toBe(row.phase);
        expect(remoteRefs(b)).toBe(refs);
        expect(readdirSync(join(b.data, 'plans'))).toEqual([]);
        // The mirror holds the remote's refs, nothing a plan made (rows without git: no mirror).
        expect(mirrorRefs(b)).toBe(refs);
        expect(pooledTrees(b)).toEqual([]);
        // Nor any object: a plan's commits stay in its own trees.
        const remoteObjects = objects(b);
        expect(
          objects(b, b.repositories.mirrorPath(b.url)).filter((o) => !remoteObjects.includes(o)),
        ).toEqual([]);
        expect(
          requests(b)
            .slice(before)
            .filter((r) => !/^(GET|HEAD) /.test(r)),
        ).toEqual([]);
        expect(mutations(b.argocd)).toEqual([]);
        expect(forgeChanges(b)).toEqual([]);
        expect(b.apps.map((name) => b.argocd?.app(name))).toEqual(apps);
        expect(b.metadata).toEqual([]);
      }
      const since = { http: requests(b).length, argocd: b.argocd?.requests.length ?? 0 };
      const status = await promote(row, b);
      return { ...(observe(b, status, since) as object), data: dataPaths(b) };
    } finally {
      await b.close();
    }
  }

  // Rows and their two worlds are independent (own repository, data directory, Argo CD and
  // HTTP path), so they run side by side.
  it.concurrent.each(ROWS.map((row) => [row.kinds.join(', '), row] as const))(
    '%s: the promotion after plans is the promotion without them',
    async (_, row) => {
      const [alone, afterPlans] = await Promise.all([promoteAlone(row), promoteAfterPlans(row)]);
      expect(afterPlans).toEqual(alone);
    },
    // The rows share the file's time: on a machine whose cores are all busy the slowest row
    // waits on the others' git processes, so its hang detector is the file's, not one test's.
    180_000,
  );

  it.concurrent(
    'plans after a promotion leave its pooled working tree for the next promotion',
    async () => {
      const row: Row = {
        kinds: [],
        remote: { 'app.yaml': 'replicas: 1\n' },
        steps: (at) => [
          {
            uses: 'git-clone',
            config: { repoURL: at.repo, checkout: [{ branch: 'main', path: './main' }] },
          },
          {
            uses: 'file-write',
            config: { path: './main/app.yaml', contents: 'replicas: 2\n', overwrite: true },
          },
          { uses: 'git-commit', config: { path: './main', message: 'replicas 2' } },
        ],
        phase: 'Succeeded',
      };
      const at = await world(row, 'pool');
      expect((await promote(row, at)).phase).toBe('Succeeded');
      const kept = pooledTrees(at);
      expect(kept).toHaveLength(1);
      for (let i = 0; i < PLANS; i++) {
        expect((await plan(row, at)).phase).toBe('Succeeded');
        expect(pooledTrees(at)).toEqual(kept);
      }
      // The next promotion takes the tree the first one left (and gives it back under a new
      // name); had it cloned afresh, there would be two.
      expect((await promote(row, at)).phase).toBe('Succeeded');
      expect(pooledTrees(at)).toHaveLength(1);
    },
  );

  it.concurrent('a plan stopped halfway (its client went away) leaves nothing either', async () => {
    const row: Row = {
      kinds: [],
      remote: { 'app.yaml': 'replicas: 1\n' },
      steps: (at) => [
        {
          uses: 'git-clone',
          config: { repoURL: at.repo, checkout: [{ branch: 'main', path: './main' }] },
        },
        { uses: 'git-commit', config: { path: './main', message: 'nothing' } },
        { uses: 'http', config: { url: `${at.http}/hang` } },
      ],
      phase: 'Succeeded',
    };
    const at = await world(row, 'abort');
    const refs = remoteRefs(at);
    const stop = new AbortController();
    const planned = planPromotion(promotion(row, at), {
      store,
      runner: at.runner,
      dataDir: at.data,
      signal: stop.signal,
    });
    const deadline = Date.now() + 30_000;
    while (!requests(at).some((r) => r.endsWith('/hang'))) {
      if (Date.now() > deadline) throw new Error('the plan never reached the http step');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stop.abort();
    const report = await planned;
    expect(report.phase).toBe('Aborted');
    expect(readdirSync(join(at.data, 'plans'))).toEqual([]);
    expect(pooledTrees(at)).toEqual([]);
    expect(remoteRefs(at)).toBe(refs);
    expect(mirrorRefs(at)).toBe(refs);
  });

  it.concurrent('a step that forgets plan mode still cannot write outside in a plan', async () => {
    // Steps that ignore context.plan: a POST through the outbound client, and a metadata write.
    const post = defineStep({
      kind: 'test-post',
      description: 'POSTs whatever the mode (test only)',
      configSchema: z.strictObject({ url: z.string() }),
      capabilities: ['http'],
      async run(context, config) {
        await context.http.send({
          method: 'POST',
          url: new URL(config.url),
          headers: {},
          body: 'x',
          timeoutMs: 10_000,
          signal: context.signal,
          maxBodyBytes: 1_000,
          overflow: 'truncate',
        });
        return { status: 'Succeeded' };
      },
    });
    const metadata = defineStep({
      kind: 'test-metadata',
      description: 'Writes metadata whatever the mode (test only)',
      configSchema: z.strictObject({}),
      capabilities: ['metadata'],
      async run(context) {
        await context.setMetadata('Stage', 'dev', { planned: true });
        return { status: 'Succeeded' };
      },
    });
    const sync = defineStep({
      kind: 'test-sync',
      description: 'Syncs an Application whatever the mode (test only)',
      configSchema: z.strictObject({}),
      capabilities: ['argocd'],
      async run(context) {
        const client = context.argocd?.get();
        if (!client) throw new Error('no Argo CD');
        const app = await client.getApplication('frontend-dev', client.defaultNamespace);
        await client.sync(app, { revisions: ['v2'], initiator: 'test', info: [] });
        return { status: 'Succeeded' };
      },
    });
    const push = defineStep({
      kind: 'test-push',
      description: 'Pushes whatever the mode (test only)',
      configSchema: z.strictObject({}),
      capabilities: ['git'],
      async run(context) {
        const cwd = context.workDir.gitWorkTree('./main');
        await runGit(['push', '--quiet', 'origin', 'HEAD:refs/heads/sneaky'], { cwd });
        return { status: 'Succeeded' };
      },
    });
    const row: Row = {
      kinds: [],
      remote: { 'app.yaml': 'replicas: 1\n' },
      apps: [argoApp('frontend-dev')],
      steps: (at) => [
        {
          uses: 'git-clone',
          config: { repoURL: at.repo, checkout: [{ branch: 'main', path: './main' }] },
        },
        { uses: push.kind, continueOnError: true },
        { uses: post.kind, continueOnError: true, config: { url: `${at.http}/deploy` } },
        { uses: metadata.kind, continueOnError: true },
        { uses: sync.kind },
      ],
      phase: 'Errored',
    };
    const at = await world(row, 'forgetful');
    const refs = remoteRefs(at);
    try {
      const report = await planPromotion(promotion(row, at), {
        store,
        runner: {
          ...at.runner,
          steps: new Map<string, StepDefinition>([
            ...STEPS,
            [post.kind, post],
            [metadata.kind, metadata],
            [sync.kind, sync],
            [push.kind, push],
          ]),
        },
        dataDir: at.data,
        signal: new AbortController().signal,
      });
      expect(report.steps[1]?.status).toBe('Errored');
      expect(report.steps[1]?.message).toContain("transport 'gantry-plan' not allowed");
      expect(report.steps.slice(2, 5).map((step) => `${step.status}: ${step.message}`)).toEqual([
        `Errored: POST ${httpBase}/extra-forgetful/deploy: a plan sends only GET and HEAD requests`,
        'Errored: set-metadata is not available here',
        'Errored: sync of Application argocd/frontend-dev: a plan does not change Argo CD Applications',
      ]);
      expect(remoteRefs(at)).toBe(refs);
      expect(requests(at)).toEqual([]);
      expect(at.metadata).toEqual([]);
      expect(mutations(at.argocd)).toEqual([]);
    } finally {
      await at.close();
    }
  });
});
