import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

/**
 * A real PostgreSQL server for tests, started from Debian's postgresql package in a temporary
 * directory on a free port, with durability switched off for speed. initdb refuses to run as
 * root, so as root the server runs as the `postgres` user.
 */
export interface TestPostgres {
  /** A new, empty database; returns its connection URL. */
  createDatabase(): Promise<string>;
  adminUrl: string;
  /** Stops the server as a crash would (immediate mode), keeping its data: an outage. */
  interrupt(): void;
  /** Starts it again after `interrupt`, on the same port and data. */
  resume(): void;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) {
    throw new Error(
      'PostgreSQL is not installed (apt-get install postgresql); scripts/test.sh installs it',
    );
  }
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  return join(base, versions[0]!, 'bin');
}

function runAs(user: string | undefined, command: string, args: string[]): void {
  if (user) {
    const quoted = [command, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync('su', [user, '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' });
  } else {
    execFileSync(command, args, { stdio: 'pipe' });
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-pg-'));
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : undefined;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  runAs(user, join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  // PostgreSQL cannot report a port-0 choice: the port is chosen before it binds, so another
  // process may take it meanwhile; then it starts again on a new port.
  let port = 0;
  const serverOptions = () =>
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const startServer = () =>
    runAs(user, join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-o',
      serverOptions(),
      'start',
    ]);
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      startServer();
      break;
    } catch (error) {
      const log = readFileSync(join(dir, 'server.log'), 'utf8');
      if (attempt >= 3 || !/could not (bind|create listen socket)/.test(log)) throw error;
    }
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let counter = 0;
  return {
    adminUrl,
    interrupt() {
      runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    resume() {
      startServer();
    },
    async createDatabase() {
      const name = `gantry_test_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
