import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gitHttpHandler } from '../src/quickstart/git-http-server.js';

/**
 * Real git repositories served over smart HTTP by `git http-backend` (the CGI program that
 * ships with git), behind a small Node HTTP server (the quickstart's handler,
 * src/quickstart/git-http-server.ts). Pushes are allowed. Optionally requires
 * basic auth, to test credentials.
 */
export interface TestGitServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  root: string;
  /** Creates a bare repository `name.git` with the given files committed on `main`; returns its URL. */
  createRepo(name: string, files: Record<string, string>): string;
  /** Runs git in the bare repository and returns stdout (for assertions). */
  git(name: string, args: string[]): string;
  /**
   * Commits these files (path → content; null deletes one) on `main` of the repository, as
   * someone else would, and returns the commit. Through the bare repository's path, never
   * over HTTP, so it may run synchronously.
   */
  commitFiles(name: string, files: Record<string, string | null>, message?: string): string;
  /**
   * Every request served so far, in order; clear it with `requests.length = 0`. An
   * upload-pack POST says what it asked once its body is read: `fetch` (objects: one per
   * fetch that downloads anything, more when negotiation takes rounds) or `ls-refs` (the refs
   * an ls-remote or a fetch reads first, protocol v2).
   */
  requests: GitRequest[];
  /** Delays every push (receive-pack request) by this many ms: to catch a promotion mid-push. */
  pushDelayMs: number;
  /**
   * Holds every push (receive-pack request) from now until `release` (apply them) or `drop`
   * (refuse them, 503, as a server that went away mid-push): to catch a promotion mid-push
   * however slow the machine. `waiting` counts the pushes held so far.
   */
  holdPushes(): { waiting(): number; release(): void; drop(): void };
  stop(): Promise<void>;
}

export interface GitRequest {
  method: string;
  url: string;
  command?: 'fetch' | 'ls-refs' | undefined;
}

export async function startGitServer(
  options: {
    username?: string;
    password?: string;
    /** Serve HTTPS with a self-signed certificate (made with openssl), to test TLS options. */
    tls?: boolean;
  } = {},
): Promise<TestGitServer> {
  const root = mkdtempSync(join(tmpdir(), 'gantry-git-'));
  const repos = join(root, 'repos');
  mkdirSync(repos);
  const state = {
    pushDelayMs: 0,
    held: undefined as Array<(apply: boolean) => void> | undefined,
  };
  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (options.tls) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        'tls.key',
        '-out',
        'tls.crt',
      ],
      { cwd: root, stdio: 'ignore' },
    );
    tls = { key: readFileSync(join(root, 'tls.key')), cert: readFileSync(join(root, 'tls.crt')) };
  }
  const requests: GitRequest[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const request: GitRequest = { method: req.method ?? '', url: req.url ?? '' };
    requests.push(request);
    if (req.method === 'POST' && (req.url ?? '').endsWith('/git-upload-pack'))
      readCommand(req, request);
    const isPush = req.method === 'POST' && (req.url ?? '').endsWith('/git-receive-pack');
    if (isPush && state.held) {
      req.pause();
      state.held.push((apply) => {
        if (req.socket.destroyed) return;
        req.resume();
        if (apply) handle(req, res);
        else res.writeHead(503).end('push dropped by the test');
      });
      return;
    }
    if (isPush && state.pushDelayMs > 0) {
      req.pause();
      setTimeout(() => {
        req.resume();
        handle(req, res);
      }, state.pushDelayMs);
      return;
    }
    handle(req, res);
  };
  /** Reads the upload-pack command from a copy of the body (the CGI gets the body too). */
  const readCommand = (req: IncomingMessage, request: GitRequest) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      request.command = body.includes('command=ls-refs') ? 'ls-refs' : 'fetch';
    });
  };
  const server: Server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  // http-backend accepts pushes only from an authenticated user.
  const backend = gitHttpHandler({ root: repos, remoteUser: 'gantry-test' });
  const handle = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => {
    if (options.username) {
      const expected = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
        return;
      }
    }
    backend(req, res);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.test',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.test',
  };
  const run = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

  return {
    url,
    root,
    requests,
    get pushDelayMs() {
      return state.pushDelayMs;
    },
    set pushDelayMs(ms: number) {
      state.pushDelayMs = ms;
    },
    holdPushes() {
      const held: Array<(apply: boolean) => void> = [];
      state.held = held;
      let count = 0;
      const original = held.push.bind(held);
      held.push = (...resumes) => ((count += resumes.length), original(...resumes));
      const end = (apply: boolean) => {
        if (state.held === held) state.held = undefined;
        for (const resume of held.splice(0)) resume(apply);
      };
      return { waiting: () => count, release: () => end(true), drop: () => end(false) };
    },
    createRepo(name, files) {
      const bare = join(repos, `${name}.git`);
      run(repos, ['init', '-q', '--bare', '-b', 'main', bare]);
      // The first commit, with git's plumbing in the bare repository (as commitFiles).
      const scratch = mkdtempSync(join(root, 'seed-'));
      const env = { ...gitEnv, GIT_INDEX_FILE: join(scratch, 'index') };
      const plumb = (args: string[], input?: string) =>
        execFileSync('git', args, { cwd: bare, env, input, stdio: ['pipe', 'pipe', 'pipe'] })
          .toString()
          .trim();
      try {
        for (const [path, content] of Object.entries(files)) {
          const blob = plumb(['hash-object', '-w', '--stdin'], content);
          plumb(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
        }
        const tree = plumb(['write-tree']);
        plumb([
          'update-ref',
          'refs/heads/main',
          plumb(['commit-tree', tree, '-m', 'Initial commit']),
        ]);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      return `${url}/${name}.git`;
    },
    git(name, args) {
      return run(join(repos, `${name}.git`), args);
    },
    commitFiles(name, files, message = 'change') {
      // With git's plumbing in the bare repository (a private index, objects written
      // directly): what a clone, commit and push would leave, in a fraction of the processes.
      const bare = join(repos, `${name}.git`);
      const scratch = mkdtempSync(join(root, 'change-'));
      const index = { ...gitEnv, GIT_INDEX_FILE: join(scratch, 'index') };
      const plumb = (args: string[], input?: string) =>
        execFileSync('git', args, {
          cwd: bare,
          env: index,
          input,
          stdio: ['pipe', 'pipe', 'pipe'],
        }).toString();
      try {
        const parent = plumb(['rev-parse', '--verify', 'refs/heads/main']).trim();
        plumb(['read-tree', parent]);
        for (const [path, content] of Object.entries(files)) {
          if (content === null) {
            // Mode 0 removes the entry (--force-remove would want a work tree).
            plumb(['update-index', '--index-info'], `0 ${'0'.repeat(40)}\t${path}\n`);
            continue;
          }
          const blob = plumb(['hash-object', '-w', '--stdin'], content).trim();
          plumb(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
        }
        const tree = plumb(['write-tree']).trim();
        const commit = plumb(['commit-tree', tree, '-p', parent, '-m', message]).trim();
        plumb(['update-ref', 'refs/heads/main', commit, parent]);
        return commit;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
