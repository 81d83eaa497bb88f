import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { startFakeArgoCd, type FakeApplication, type FakeArgoCd } from './fake-argocd.js';
import { ROOT } from './gantry-process.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { cliAgainst, type CliResult } from './in-process-cli.js';
import { startRegistry, type TestRegistry } from './registry.js';

/**
 * The example project (examples/frontend) running for real: Debian's docker-registry with
 * `acme/frontend:1.2.1`, the GitOps repository over git http-backend, the Argo CD double
 * holding the example's Applications, the `frontend-smoke` health endpoint, and an in-process
 * Gantry server with the example applied.
 *
 * Changes to the example, all stated here: the repository and registry addresses and the
 * health URL point at these servers, and prod's soak is `soak` instead of an hour.
 */
export interface ExampleProject {
  gantry: RunningGantry;
  registry: TestRegistry;
  git: TestGitServer;
  argocd: FakeArgoCd;
  /** The GitOps repository's URL. */
  gitops: string;
  /** A scratch directory for the test's own files (removed by `stop`). */
  dir: string;
  /** What the health endpoint answers: ok, or degraded (dev's verification fails). */
  healthy: boolean;
  cli(args: string[]): Promise<CliResult>;
  /** Pushes `acme/frontend:<tag>` and refreshes the Warehouse. */
  push(tag: string): Promise<void>;
  /**
   * Stops the server and starts it again on the same port and data (a restart, or a crash);
   * `whileDown` runs in between, to see what clients do while the server is away.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** The tag in an environment's instance.yaml on main. */
  gitTag(env: 'develop' | 'staging' | 'production'): string | undefined;
  stop(): Promise<void>;
}

export async function startExampleProject(
  options: { soak?: string } = {},
): Promise<ExampleProject> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-example-'));
  const health: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: example.healthy ? 'ok' : 'degraded' }));
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  const healthPort = (health.address() as { port: number }).port;
  const [registry, git, argocd] = await Promise.all([
    startRegistry(),
    startGitServer(),
    startFakeArgoCd({ syncDelayMs: 50, healthyAfterMs: 150 }),
  ]);
  const files: Record<string, string> = {};
  for (const env of ['develop', 'staging', 'production'])
    files[`${env}/frontend/instance.yaml`] = readFileSync(
      join(ROOT, 'examples/frontend/gitops', env, 'frontend/instance.yaml'),
      'utf8',
    );
  const gitops = git.createRepo('gitops', files);
  const apps = parseAllDocuments(
    readFileSync(join(ROOT, 'examples/frontend/argocd/applications.yaml'), 'utf8').replaceAll(
      EXAMPLE_ADDRESSES.gitops,
      gitops,
    ),
  );
  for (const app of apps) argocd.addApp(app.toJS() as FakeApplication);
  await registry.pushImage('acme/frontend', '1.2.1');
  const config = (port: string) =>
    resolveServerConfig(
      { port, dataDir: join(dir, 'data'), minWarehouseInterval: '1h', healthInterval: '1s' },
      { GANTRY_ARGOCD_URL: argocd.url, GANTRY_ARGOCD_TOKEN: argocd.token },
    );
  const gantry = await startGantry(config('0'), silentLogger);
  const cli = cliAgainst(() => example.gantry, 'frontend');
  const example: ExampleProject = {
    gantry,
    registry,
    git,
    argocd,
    gitops,
    dir,
    healthy: true,
    cli,
    async push(tag) {
      await registry.pushImage('acme/frontend', tag);
      const refreshed = await cli(['refresh', 'warehouse', 'frontend']);
      if (refreshed.code !== 0) throw new Error(`refresh failed: ${refreshed.err}`);
    },
    async restart(whileDown) {
      const port = new URL(example.gantry.url).port;
      await example.gantry.stop();
      await whileDown?.();
      example.gantry = await startGantry(config(port), silentLogger);
    },
    gitTag: (env) =>
      /tag: ['"]?([^'"\s#]+)/.exec(
        git.git('gitops', ['show', `main:${env}/frontend/instance.yaml`]),
      )?.[1],
    async stop() {
      await example.gantry.stop();
      await Promise.all([registry.stop(), git.stop(), argocd.stop()]);
      await new Promise<void>((resolve) => health.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const manifests = writeExampleManifests(join(dir, 'manifests'), {
    registry: registry.host,
    gitops,
    healthUrl: `http://127.0.0.1:${healthPort}/healthz`,
    soak: options.soak,
  });
  const applied = await cli(['apply', '-f', manifests]);
  if (applied.code !== 0) throw new Error(`apply failed: ${applied.err}`);
  return example;
}

/** The example's own addresses, which a user's machine may serve (the README's local set-up). */
export const EXAMPLE_ADDRESSES = {
  registry: '127.0.0.1:5000',
  gitops: 'http://127.0.0.1:8418/gitops.git',
  healthUrl: 'http://127.0.0.1:3000/healthz',
} as const;

/**
 * Writes the example's manifests (examples/frontend/*.yaml, same file names) into `dir` with
 * its addresses replaced by the test's own servers, so a test never reaches, or pushes to,
 * whatever the machine runs at the README's addresses; `soak` replaces prod's hour. Returns
 * `dir`, for `gantry apply -f`.
 */
export function writeExampleManifests(
  dir: string,
  addresses: { registry: string; gitops: string; healthUrl: string; soak?: string | undefined },
): string {
  const exampleDir = join(ROOT, 'examples/frontend');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(exampleDir).filter((file) => file.endsWith('.yaml'))) {
    let text = readFileSync(join(exampleDir, name), 'utf8')
      .replaceAll(EXAMPLE_ADDRESSES.registry, addresses.registry)
      .replaceAll(EXAMPLE_ADDRESSES.gitops, addresses.gitops)
      .replaceAll(EXAMPLE_ADDRESSES.healthUrl, addresses.healthUrl);
    if (addresses.soak)
      text = text.replace('requiredSoakTime: 1h', `requiredSoakTime: ${addresses.soak}`);
    for (const address of Object.values(EXAMPLE_ADDRESSES))
      if (text.includes(address.replace(/^http:\/\//, '').split('/')[0]!))
        throw new Error(
          `examples/frontend/${name} names ${address} in a form this helper does not rewrite`,
        );
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
