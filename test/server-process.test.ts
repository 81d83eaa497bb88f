import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { startDeadEndServer } from './dead-end-server.js';
import { writeExampleManifests } from './example-project.js';
import { freePort } from './free-port.js';
import {
  ROOT,
  spawnGantry,
  startGantryServer,
  type GantryServerProcess,
} from './gantry-process.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { sseReader } from './sse.js';

const api = 'kargo.akuity.io/v1alpha1';
const stage = (name: string) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } }],
  },
});

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  stdin = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawnGantry(args, { env });
  child.stdin!.end(stdin);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, out, err };
}

describe('the gantry server process', () => {
  const dirs: string[] = [];
  const servers: GantryServerProcess[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-proc-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const server of servers.splice(0)) server.child.kill('SIGKILL');
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write when killed with SIGKILL mid-stream', async () => {
    const dataDir = tempDir();
    const server = await startGantryServer(['--data-dir', dataDir], 0);
    servers.push(server);
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...server.auth },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/v1/projects', { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } }))
        .status,
    ).toBe(201);

    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const name = `w${worker}-${i}`;
        try {
          const response = await post('/v1/projects/demo/stages', stage(name));
          if (response.status === 201) acknowledged.push(name);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = Promise.all([0, 1, 2, 3].map(writer));
    while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await writers;

    const restarted = await startGantryServer(['--data-dir', dataDir], 0);
    servers.push(restarted);
    const list = (await (
      await fetch(`${restarted.url}/v1/projects/demo/stages`, { headers: restarted.auth })
    ).json()) as {
      items: Array<{ metadata: { name: string } }>;
    };
    const stored = new Set(list.items.map((item) => item.metadata.name));
    const missing = acknowledged.filter((name) => !stored.has(name));
    expect(missing).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    // The history survived too: a watch from the start replays the project and every Stage.
    const events = sseReader(
      (await fetch(`${restarted.url}/v1/watch?resourceVersion=0`, { headers: restarted.auth }))
        .body!,
    );
    expect((await events.json()).object.metadata.name).toBe('demo');
    await events.close();
    const integrity = execFileSync(
      'node',
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(join(dataDir, 'gantry.db'))},{readonly:true});console.log(d.pragma('integrity_check',{simple:true}))`,
      ],
      { cwd: ROOT },
    )
      .toString()
      .trim();
    expect(integrity).toBe('ok');
  });

  it('shuts down gracefully on SIGTERM, ending watch streams', async () => {
    const server = await startGantryServer(['--data-dir', tempDir()], 0);
    servers.push(server);
    const events = sseReader(
      (await fetch(`${server.url}/v1/watch`, { headers: server.auth })).body!,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(events.next(2_000)).rejects.toThrow('the event stream ended');
    expect(server.log()).toMatch(/shutting down signal=SIGTERM[\s\S]*gantry stopped/);
  });

  it('takes its port from GANTRY_PORT and its data directory from GANTRY_DATA_DIR', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const child = spawnGantry(['server'], {
      env: { GANTRY_PORT: String(port), GANTRY_DATA_DIR: dataDir },
    });
    try {
      let ok = false;
      for (let i = 0; i < 1200 && !ok && child.exitCode === null; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ok).toBe(true);
      expect(readFileSync(join(dataDir, 'gantry.db')).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is closed to anonymous callers, and the CLI on its machine signs in with the initial admin token', async () => {
    const dataDir = tempDir();
    const server = await startGantryServer(['--data-dir', dataDir], 0);
    servers.push(server);
    const anonymous = await fetch(`${server.url}/v1/projects`);
    expect(anonymous.status).toBe(401);
    const tokenFile = join(dataDir, 'initial-admin-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(server.log()).toContain(`created the initial admin API token file=${tokenFile}`);
    // No token given: the CLI finds the server's data dir (GANTRY_DATA_DIR) and reads it there.
    const manifest = readFileSync(join(ROOT, 'examples/frontend/project.yaml'), 'utf8');
    const result = await run(
      ['apply', '-f', '-'],
      { GANTRY_SERVER: server.url, GANTRY_DATA_DIR: dataDir, GANTRY_TOKEN: '' },
      manifest,
    );
    expect(result).toEqual({
      code: 0,
      out: 'project.kargo.akuity.io/frontend created\nprojectconfig.kargo.akuity.io/frontend created\n',
      err: '',
    });
  });

  it('runs as bin/gantry.js, the built command that npx gantry starts', () => {
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const out = execFileSync(process.execPath, [
      join(ROOT, 'bin', 'gantry.js'),
      'version',
      '--client',
    ]).toString();
    expect(out).toBe(`Client Version: ${version}\n`);
  });

  it('rejects bad configuration with exit code 2 and a line naming the setting', async () => {
    expect(await run(['server', '--port', 'http'])).toEqual({
      code: 2,
      out: '',
      err: 'error: --port: must be a port number (0-65535) (got "http")\n',
    });
    expect(await run(['server'], { GANTRY_STORE: 'mysql://x' })).toEqual({
      code: 2,
      out: '',
      err: 'error: GANTRY_STORE: must be "sqlite" or a postgres:// connection URL (got "mysql://x")\n',
    });
  });

  describe('on PostgreSQL', () => {
    let postgres: TestPostgres;
    beforeAll(async () => {
      postgres = await startPostgres();
    });
    afterAll(async () => {
      await postgres.stop();
    });

    it('serves the example project from PostgreSQL', async () => {
      const url = await postgres.createDatabase();
      const server = await startGantryServer(['--store', url, '--data-dir', tempDir()], 0);
      servers.push(server);
      const signedIn = { GANTRY_SERVER: server.url, GANTRY_TOKEN: server.adminToken };
      // The example's addresses at a server of this test's: never the README's registry.
      const nowhere = await startDeadEndServer();
      const example = writeExampleManifests(join(tempDir(), 'example'), {
        registry: nowhere.host,
        gitops: `${nowhere.url}/gitops.git`,
        healthUrl: `${nowhere.url}/healthz`,
      });
      const applied = await run(['apply', '-f', example], signedIn).finally(() => nowhere.stop());
      expect(applied.code).toBe(0);
      expect(applied.out).toContain('stage.kargo.akuity.io/prod created');
      const version = await run(['version'], signedIn);
      expect(version.out).toContain('(store: postgres)');
      const stages = await run(['get', 'stages', '--project', 'frontend', '-o', 'json'], signedIn);
      expect((JSON.parse(stages.out) as { items: unknown[] }).items).toHaveLength(3);
    });

    it('names an unreachable database without revealing its password', async () => {
      // A TCP server of this test's that hangs up on every connection: the same answer on any
      // machine, where a port free a moment ago might be someone's by now.
      const hangUp = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
      const { port } = hangUp.address() as AddressInfo;
      const result = await run([
        'server',
        '--port',
        '0',
        '--store',
        `postgres://gantry:hunter2@127.0.0.1:${port}/gantry`,
      ]).finally(() => new Promise<void>((resolve) => hangUp.close(() => resolve())));
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        `error: cannot open the PostgreSQL store at postgres://***@127.0.0.1:${port}/gantry`,
      );
      expect(result.err).not.toContain('hunter2');
    });
  });
});
