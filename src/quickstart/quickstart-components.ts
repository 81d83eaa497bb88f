import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { startDockerRegistry, type DockerRegistry } from './docker-registry.js';
import { startGitHttpServer } from './git-http-server.js';
import { startHealthEndpoint, type HealthEndpoint } from './health-endpoint.js';
import type { Listening } from './listen.js';
import { EXAMPLE_ADDRESSES, EXAMPLE_DIR } from './quickstart-manifests.js';

export interface QuickstartPorts {
  git: number;
  registry: number;
  health: number;
}

/** The example's ports (examples/frontend): the quickstart uses them unless told otherwise. */
export const DEFAULT_QUICKSTART_PORTS: QuickstartPorts = {
  git: 8418,
  registry: 5000,
  health: 3000,
};

/** The demo components the example needs, running. */
export interface QuickstartComponents {
  gitops: { url: string; path: string };
  registry: { host: string; url: string; demo: boolean };
  health: HealthEndpoint;
  stop(): Promise<void>;
}

/**
 * Starts what examples/frontend needs on this machine, on 127.0.0.1, as demo components:
 * - its GitOps repository, a bare repository `DIR/gitops.git` seeded once from
 *   examples/frontend/gitops, served over HTTP by `git http-backend` at `/gitops.git`;
 * - an OCI registry: Debian's `docker-registry` storing under `DIR/registry`, unless
 *   `registry` names one the user runs;
 * - dev's health endpoint (`/healthz`).
 * Whatever started is stopped again when a later one fails.
 */
export async function startQuickstartComponents(options: {
  dir: string;
  ports: QuickstartPorts;
  /** `HOST:PORT` of a registry to use instead of starting one. */
  registry?: string | undefined;
}): Promise<QuickstartComponents> {
  const host = '127.0.0.1';
  mkdirSync(options.dir, { recursive: true });
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const component of started.reverse()) await component.stop();
  };
  try {
    const reposRoot = join(options.dir, 'repos');
    const gitServer: Listening = await startGitHttpServer({
      what: 'GitOps repository (--git-port)',
      root: reposRoot,
      host,
      port: options.ports.git,
    });
    started.push(gitServer);
    const health = await startHealthEndpoint({
      host,
      port: options.ports.health,
      what: 'health endpoint (--health-port)',
    });
    started.push(health);
    let registry: QuickstartComponents['registry'];
    if (options.registry) {
      registry = { host: options.registry, url: `http://${options.registry}`, demo: false };
    } else {
      const running: DockerRegistry = await startDockerRegistry({
        dir: join(options.dir, 'registry'),
        host,
        port: options.ports.registry,
        what: 'demo registry (--registry-port)',
      });
      started.push(running);
      registry = { host: running.host, url: running.url, demo: true };
    }
    const path = join(reposRoot, 'gitops.git');
    if (!existsSync(path)) seedGitops(path, options.dir, registry.host);
    return {
      gitops: { url: `${gitServer.url}/gitops.git`, path },
      registry,
      health,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** A bare repository holding examples/frontend/gitops on `main`, in one commit. */
function seedGitops(bare: string, dir: string, registryHost: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Gantry quickstart',
    GIT_AUTHOR_EMAIL: 'quickstart@gantry.invalid',
    GIT_COMMITTER_NAME: 'Gantry quickstart',
    GIT_COMMITTER_EMAIL: 'quickstart@gantry.invalid',
  };
  const git = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const work = mkdtempSync(join(dir, 'seed-'));
  try {
    cpSync(join(EXAMPLE_DIR, 'gitops'), work, { recursive: true });
    rewriteRegistry(work, registryHost);
    git(work, ['init', '-q', '-b', 'main']);
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '-m', 'The example GitOps repository (examples/frontend/gitops)']);
    mkdirSync(join(bare, '..'), { recursive: true });
    git(work, ['init', '-q', '--bare', '-b', 'main', bare]);
    git(work, ['push', '-q', bare, 'main']);
  } catch (err) {
    rmSync(bare, { recursive: true, force: true });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The image address in the seeded files names the registry that really runs. */
function rewriteRegistry(dir: string, registryHost: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewriteRegistry(path, registryHost);
    else if (name.endsWith('.yaml'))
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replaceAll(`${EXAMPLE_ADDRESSES.registry}/`, `${registryHost}/`),
      );
  }
}
