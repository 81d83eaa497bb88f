import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../../errors.js';
import { imageExists, pushImage } from '../../quickstart/push-image.js';
import {
  DEFAULT_QUICKSTART_PORTS,
  startQuickstartComponents,
  type QuickstartPorts,
} from '../../quickstart/quickstart-components.js';
import { quickstartManifests } from '../../quickstart/quickstart-manifests.js';
import {
  quickstartDir,
  readQuickstartState,
  removeQuickstartState,
  writeQuickstartState,
} from '../../quickstart/quickstart-state.js';
import type { CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

/** The example's project, image repository and the tag the quickstart publishes first. */
const PROJECT = 'frontend';
const REPOSITORY = 'acme/frontend';
const FIRST_TAG = '1.2.1';

export interface QuickstartOptions {
  dir?: string;
  gitPort?: string;
  registryPort?: string;
  healthPort?: string;
  registry?: string;
}

/**
 * `gantry quickstart`: starts the demo components examples/frontend needs (GitOps repository,
 * registry, dev's health endpoint), applies the example without Argo CD to the server, publishes
 * the first image tag, records what it started in `state.json`, prints `Ready` and the next
 * steps, and runs until Ctrl-C (then stops what it started).
 */
export async function quickstartCommand(
  ctx: CliContext,
  options: QuickstartOptions,
): Promise<void> {
  const dir = quickstartDir(ctx.env, options.dir);
  const ports: QuickstartPorts = {
    git: port(
      '--git-port',
      options.gitPort ?? ctx.env.GANTRY_QUICKSTART_GIT_PORT,
      DEFAULT_QUICKSTART_PORTS.git,
    ),
    registry: port(
      '--registry-port',
      options.registryPort ?? ctx.env.GANTRY_QUICKSTART_REGISTRY_PORT,
      DEFAULT_QUICKSTART_PORTS.registry,
    ),
    health: port(
      '--health-port',
      options.healthPort ?? ctx.env.GANTRY_QUICKSTART_HEALTH_PORT,
      DEFAULT_QUICKSTART_PORTS.health,
    ),
  };
  const registryFlag = options.registry ?? (ctx.env.GANTRY_QUICKSTART_REGISTRY || undefined);
  if (registryFlag !== undefined && !/^[A-Za-z0-9.-]+(?::\d+)?$/.test(registryFlag))
    throw usageError(
      `--registry must be HOST:PORT, such as 127.0.0.1:5000 (got "${registryFlag}")`,
    );

  // The server first: without it there is nothing to set up.
  await ctx.client.request('GET', '/v1/projects');

  ctx.out(`Gantry quickstart: local demo components for examples/frontend (in ${dir})`);
  const components = await startQuickstartComponents({ dir, ports, registry: registryFlag });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    removeQuickstartState(dir);
    await components.stop();
  };
  try {
    const image = `${components.registry.host}/${REPOSITORY}`;
    ctx.out('Demo components (not part of Gantry; Ctrl-C stops them):');
    ctx.out(
      `  GitOps repository  ${components.gitops.url}  (git http-backend; bare repository ${components.gitops.path})`,
    );
    ctx.out(
      components.registry.demo
        ? `  OCI registry       ${components.registry.host}  (Debian's docker-registry, images kept in ${join(dir, 'registry')})`
        : `  OCI registry       ${components.registry.host}  (yours, from --registry)`,
    );
    ctx.out(`  health endpoint    ${components.health.url}/healthz  (dev's verification reads it)`);

    if (
      !(await imageExists({
        registryUrl: components.registry.url,
        repository: REPOSITORY,
        tag: FIRST_TAG,
      }))
    ) {
      const digest = await pushImage({
        registryUrl: components.registry.url,
        repository: REPOSITORY,
        tag: FIRST_TAG,
      });
      ctx.out(`Published ${image}:${FIRST_TAG} (${digest.slice(0, 19)}…)`);
    }

    const manifests = quickstartManifests({
      gitops: components.gitops.url,
      registry: components.registry.host,
      health: `${components.health.url}/healthz`,
    });
    const file = join(dir, 'frontend.yaml');
    writeFileSync(file, manifests);
    ctx.out(`Applying the example project without Argo CD (no argocd-update step; see ${file}):`);
    const { applyCommand } = await import('./apply.js');
    await applyCommand(ctx, { filename: [file] });
    const { refreshCommand } = await import('./refresh.js');
    await refreshCommand(ctx, 'warehouse', 'frontend', { project: PROJECT });

    writeQuickstartState(dir, {
      pid: process.pid,
      startedAt: ctx.now().toISOString(),
      project: PROJECT,
      gitops: components.gitops,
      registry: components.registry,
      image,
      health: { url: `${components.health.url}/healthz` },
    });
    ctx.out('');
    ctx.out(
      'Ready. dev takes new Freight on its own and is verified; staging follows. In another terminal:',
    );
    ctx.out('  npx gantry get stages -n frontend');
    ctx.out('  npx gantry quickstart push 1.3.0     # publish a new tag, no Docker needed');
    ctx.out('  npx gantry quickstart git log --oneline   # the commits promotions made');
    ctx.out('The README\'s "Quickstart" walks through it all. Ctrl-C stops the demo components.');

    await untilSignalled();
    ctx.out('Stopping the demo components…');
  } finally {
    await stop();
  }
  ctx.out('Stopped. The GitOps repository and the images stay for the next quickstart.');
}

/** `gantry quickstart push TAG`: publish `acme/frontend:TAG` to the quickstart's registry. */
export async function quickstartPushCommand(
  ctx: CliContext,
  tag: string,
  options: { dir?: string; repository?: string },
): Promise<void> {
  const state = readQuickstartState(quickstartDir(ctx.env, options.dir));
  const repository = options.repository ?? REPOSITORY;
  const digest = await pushImage({ registryUrl: state.registry.url, repository, tag });
  ctx.out(`pushed ${state.registry.host}/${repository}:${tag} (${digest})`);
  if (repository === REPOSITORY)
    ctx.out(
      `the Warehouse finds it on its next discovery, or now: npx gantry refresh warehouse frontend -n ${state.project}`,
    );
}

/** `gantry quickstart git ARGS…`: git in the quickstart's GitOps repository (bare). */
export function quickstartGitCommand(
  ctx: CliContext,
  args: string[],
  options: { dir?: string },
): void {
  const state = readQuickstartState(quickstartDir(ctx.env, options.dir));
  const result = spawnSync('git', [`--git-dir=${state.gitops.path}`, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw inputError(`could not run git: ${result.error.message}`);
  if (result.stdout) ctx.out(result.stdout.trimEnd());
  if (result.status !== 0)
    throw inputError(`git ${args.join(' ')} failed: ${(result.stderr ?? '').trim()}`);
}

/** `gantry quickstart health ok|degraded`: what dev's health endpoint answers from now on. */
export async function quickstartHealthCommand(
  ctx: CliContext,
  status: string,
  options: { dir?: string },
): Promise<void> {
  if (status !== 'ok' && status !== 'degraded')
    throw usageError(`health must be ok or degraded (got "${status}")`);
  const state = readQuickstartState(quickstartDir(ctx.env, options.dir));
  const response = await fetch(state.health.url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  const body = await response.text();
  if (!response.ok) throw inputError(`the health endpoint refused: ${body.trim()}`);
  ctx.out(
    `${state.health.url} answers {"status":"${status}"}${status === 'degraded' ? ': dev fails its next verification (npx gantry verify --stage dev -n frontend)' : ''}`,
  );
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw usageError(`${flag} must be a port number, 0 for any free port (got "${value}")`);
  return parsed;
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
