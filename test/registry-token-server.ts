import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

/**
 * The token server of the Docker registry token authentication flow
 * (distribution/docs/spec/auth/token.md, jwt.md), for a real `docker-registry` configured with
 * `auth.token`. It signs RS256 JWTs with a key and self-signed certificate made by the openssl
 * CLI; the registry trusts them through `rootcertbundle` and the `x5c` header.
 *
 * Access policy, chosen so tests can tell good, wrong and missing credentials apart:
 * - right Basic credentials: every requested action is granted;
 * - wrong Basic credentials: 401, no token;
 * - no credentials: a token with an empty access list, so the registry still answers 401;
 * - the read-only user's credentials (when configured): only `pull` is granted, so a push is
 *   refused by the registry, as with a registry account that may read but not write.
 */
export interface TokenServer {
  /** `http://127.0.0.1:PORT/token`, the `realm` of the registry's challenge. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate file for the registry's `auth.token.rootcertbundle`. */
  certPath: string;
  /** Requests the HTTP endpoint has received (including refused ones). */
  readonly requests: number;
  /** The `scope` parameters of those requests, in order (one string per request). */
  readonly scopes: string[];
  /** Signs a token directly, without an HTTP request (and without counting one). */
  mint(subject: string, access: TokenAccess[], ttlSeconds?: number): string;
  stop(): Promise<void>;
}

export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

export async function startTokenServer(options: {
  dir: string;
  username: string;
  password: string;
  service?: string;
  issuer?: string;
  readOnly?: { username: string; password: string };
}): Promise<TokenServer> {
  const service = options.service ?? 'gantry-test-registry';
  const issuer = options.issuer ?? 'gantry-test-issuer';
  const { key, certPath, x5c } = createSigningKey(options.dir);
  const mint = (subject: string, access: TokenAccess[], ttlSeconds = 300) =>
    signToken({ key, x5c, issuer, service, subject, access, ttlSeconds });
  const expected = `${options.username}:${options.password}`;
  const readOnly = options.readOnly && `${options.readOnly.username}:${options.readOnly.password}`;
  let requests = 0;
  const scopes: string[] = [];

  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token') return reply(res, 404, { error: 'not found' });
    if (req.method !== 'GET') return reply(res, 405, { error: 'only GET is supported' });
    scopes.push(url.searchParams.getAll('scope').join(' '));
    const credentials = basicCredentials(req);
    if (credentials !== undefined && credentials !== expected && credentials !== readOnly) {
      res.setHeader('WWW-Authenticate', 'Basic realm="gantry-test-token"');
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    }
    let access = credentials === undefined ? [] : parseScopes(url.searchParams.getAll('scope'));
    if (credentials !== undefined && credentials === readOnly)
      access = access.map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') }));
    const subject = credentials === undefined ? '' : (credentials.split(':')[0] ?? '');
    const token = mint(subject, access);
    reply(res, 200, {
      token,
      access_token: token,
      expires_in: 300,
      issued_at: new Date().toISOString(),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    get requests() {
      return requests;
    },
    scopes,
    mint,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parses `repository:team/api:pull,push` scopes; a scope parameter may hold several, space-separated. */
export function parseScopes(scopes: string[]): TokenAccess[] {
  const access: TokenAccess[] = [];
  for (const scope of scopes.flatMap((value) => value.split(' ')).filter(Boolean)) {
    // The name sits between the first and the last colon (names never contain ':' but be lenient).
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    access.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope
        .slice(last + 1)
        .split(',')
        .filter(Boolean),
    });
  }
  return access;
}

function createSigningKey(dir: string): { key: KeyObject; certPath: string; x5c: string } {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  // The registry verifies the x5c chain against rootcertbundle; a self-signed cert is its own root.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=issuer',
    ],
    { stdio: 'pipe' },
  );
  return {
    key: createPrivateKey(readFileSync(keyPath)),
    certPath,
    x5c: new X509Certificate(readFileSync(certPath)).raw.toString('base64'),
  };
}

function signToken(input: {
  key: KeyObject;
  x5c: string;
  issuer: string;
  service: string;
  subject: string;
  access: TokenAccess[];
  ttlSeconds: number;
}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5c: [input.x5c] };
  const claims = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.service,
    exp: now + input.ttlSeconds,
    // A second back, so a token used within the same second is never "not yet valid".
    nbf: now - 1,
    iat: now,
    jti: randomUUID(),
    access: input.access,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), input.key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** `user:pass` from a Basic Authorization header, or undefined when there is none. */
function basicCredentials(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  return Buffer.from(header.slice('Basic '.length), 'base64').toString();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
