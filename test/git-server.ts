import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  /** Whether the bare repository `name.git` exists (read from disk: no git process). */
  exists(name: string): boolean;
  /** The bare repository's directory on disk. */
  path(name: string): string;
  /**
   * The commit a full ref name (`refs/heads/main`) points at, undefined when there is none:
   * read from the repository's loose refs and packed-refs, as git reads them, without starting
   * a git process (the forge doubles ask on every request; each process cost milliseconds).
   */
  ref(name: string, ref: string): string | undefined;
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
  /**
   * A commit of these files (null deletes one) on `main` of a bare repository, after `parent`,
   * by the test identity, as someone else's clone, commit and push would leave it: written by
   * one `git fast-import` (one process a commit, where git's plumbing took two a file). Its
   * update of `main` is refused unless it goes forward from the tip, as a push's would be.
   */
  const importCommit = (
    bare: string,
    files: Record<string, string | null>,
    message: string,
    parent?: string,
  ): string => {
    const person = `${gitEnv.GIT_COMMITTER_NAME} <${gitEnv.GIT_COMMITTER_EMAIL}> ${Math.floor(Date.now() / 1000)} +0000`;
    const parts: Buffer[] = [];
    const line = (text: string) => parts.push(Buffer.from(`${text}\n`));
    const data = (text: string) => {
      const bytes = Buffer.from(text);
      line(`data ${bytes.length}`);
      parts.push(bytes);
      line('');
    };
    line('commit refs/heads/main');
    line('mark :1');
    line(`author ${person}`);
    line(`committer ${person}`);
    // As `commit-tree -m` stores it: with a final newline.
    data(`${message}\n`);
    if (parent) line(`from ${parent}`);
    for (const [path, content] of Object.entries(files)) {
      if (/["\n]/.test(path) || path.startsWith(' ')) throw new Error(`unsupported path: ${path}`);
      if (content === null) {
        line(`D ${path}`);
        continue;
      }
      line(`M 100644 inline ${path}`);
      data(content);
    }
    line('');
    // The new commit's name, on standard output.
    line('get-mark :1');
    return execFileSync('git', ['fast-import', '--quiet', '--date-format=raw'], {
      cwd: bare,
      env: gitEnv,
      input: Buffer.concat(parts),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  };

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
      importCommit(bare, files, 'Initial commit');
      return `${url}/${name}.git`;
    },
    git(name, args) {
      const bare = join(repos, `${name}.git`);
      // `rev-parse <branch>`, the most asked, answered from the ref files as git would.
      const tip =
        args.length === 2 && args[0] === 'rev-parse' ? branchTip(bare, args[1]!) : undefined;
      return tip ? `${tip}\n` : run(bare, args);
    },
    exists(name) {
      return existsSync(join(repos, `${name}.git`, 'HEAD'));
    },
    path(name) {
      return join(repos, `${name}.git`);
    },
    ref(name, ref) {
      return readRef(join(repos, `${name}.git`), ref);
    },
    commitFiles(name, files, message = 'change') {
      const bare = join(repos, `${name}.git`);
      const parent = readRef(bare, 'refs/heads/main');
      if (!parent) throw new Error(`commitFiles: ${name} has no main branch`);
      return importCommit(bare, files, message, parent);
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A ref of a bare repository from its loose ref file, else its packed-refs (peeled lines skipped). */
function readRef(bare: string, ref: string): string | undefined {
  if (!/^refs\/[\w./-]+$/.test(ref) || ref.split('/').includes('..')) return undefined;
  try {
    const loose = readFileSync(join(bare, ref), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(loose)) return loose;
  } catch {
    // Not loose: maybe packed.
  }
  let packed: string;
  try {
    packed = readFileSync(join(bare, 'packed-refs'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return undefined;
}

/**
 * What `git rev-parse <rev>` says when `rev` names a branch and nothing that git would prefer
 * to it (a file in the git directory, `refs/<rev>`, a tag): undefined otherwise, and then git
 * itself is asked.
 */
function branchTip(bare: string, rev: string): string | undefined {
  if (!/^\w[\w./-]*$/.test(rev) || existsSync(join(bare, rev))) return undefined;
  if (readRef(bare, `refs/${rev}`) || readRef(bare, `refs/tags/${rev}`)) return undefined;
  return readRef(bare, `refs/heads/${rev}`);
}
