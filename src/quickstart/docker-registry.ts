import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { inputError, unavailableError } from '../errors.js';

/** A running `docker-registry`: its address, and how to stop it. */
export interface DockerRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** How to get the registry when it is missing; printed by the quickstart. */
export const INSTALL_REGISTRY_HINT =
  "Debian's docker-registry is not installed: install it with `sudo apt-get install docker-registry` (the quickstart runs it as a local demo registry; the system service it may also start is not needed), or pass --registry HOST:PORT to use a registry you run yourself";

/**
 * Runs Debian's `docker-registry` (CNCF Distribution) on `host:port`, storing images under
 * `dir` so they outlive a restart. Port 0 picks a free port: the registry cannot report a port
 * it chose, so one is found first and, should another process take it meanwhile, found again.
 * A demo component of `gantry quickstart`: plain HTTP, no authentication.
 */
export async function startDockerRegistry(options: {
  dir: string;
  host: string;
  port: number;
  /** What it is called in errors; default "demo registry". */
  what?: string;
  /** The program to run (tests point it elsewhere); default `docker-registry` on PATH. */
  program?: string;
}): Promise<DockerRegistry> {
  mkdirSync(options.dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    // Checked before it starts: whatever holds the port might answer /v2/ in its place.
    const port = await freePort(options.host, options.port, options.what ?? 'demo registry');
    writeFileSync(
      join(options.dir, 'config.yml'),
      stringify(config(options.dir, options.host, port)),
    );
    const registry = launch(options.program ?? 'docker-registry', options.dir);
    try {
      await untilServing(registry, `http://${options.host}:${port}`);
    } catch (err) {
      await stop(registry.child);
      const inUse = registry.output().includes('address already in use');
      if (inUse && options.port === 0 && attempt < 3) continue;
      if (inUse)
        throw inputError(
          `the ${options.what ?? 'demo registry'} cannot listen on ${options.host}:${port}: the port is in use (another registry?); stop what uses it, or choose another port (0 picks a free one)`,
        );
      throw err;
    }
    return {
      host: `${options.host}:${port}`,
      url: `http://${options.host}:${port}`,
      port,
      stop: () => stop(registry.child),
    };
  }
}

function config(dir: string, host: string, port: number): Record<string, unknown> {
  return {
    version: '0.1',
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: true },
    },
    // Without a secret the registry warns and makes one up; upload state is signed with it.
    http: { addr: `${host}:${port}`, secret: randomBytes(16).toString('hex') },
  };
}

interface RegistryProcess {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
  spawnError(): NodeJS.ErrnoException | undefined;
}

function launch(program: string, dir: string): RegistryProcess {
  const child = spawn(program, ['serve', 'config.yml'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let spawnError: NodeJS.ErrnoException | undefined;
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      resolve();
    });
  });
  return { child, exited, output: () => output, spawnError: () => spawnError };
}

/** Polls `/v2/` until it answers; fails as soon as the process exits. */
async function untilServing(registry: RegistryProcess, url: string): Promise<void> {
  let running = true;
  void registry.exited.then(() => (running = false));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!running) {
      if (registry.spawnError()?.code === 'ENOENT') throw unavailableError(INSTALL_REGISTRY_HINT);
      throw unavailableError(
        `docker-registry exited before serving: ${registry.output().trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw unavailableError(`docker-registry did not serve at ${url} within 30 s`);
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

/**
 * `port` (0: any) if it is free on `host` right now (bound and released); a taken port is an
 * error naming it.
 */
async function freePort(host: string, wanted: number, what: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? inputError(
              `the ${what} cannot listen on ${host}:${wanted}: the port is in use (another registry?); stop what uses it, or choose another port (0 picks a free one)`,
            )
          : err,
      ),
    );
    server.listen(wanted, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
