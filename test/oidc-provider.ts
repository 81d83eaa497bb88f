import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { Provider } from 'oidc-provider';

/** A person the test provider knows; `login` is what the sign-in form takes. */
export interface TestUser {
  login: string;
  email?: string | undefined;
  name?: string | undefined;
  groups?: string[] | undefined;
}

/** Client metadata as oidc-provider takes it (RFC 7591 names). */
export type TestClient = Record<string, unknown> & { client_id: string };

interface SigningKey {
  kid: string;
  privateJwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
}

export interface TestOidcProvider {
  /** The issuer identifier (`http://127.0.0.2:<port>`). */
  issuer: string;
  /** Requests the provider answered, by path (`/jwks`, `/token`, …): to count key fetches. */
  requests: Map<string, number>;
  /** Registers a client, or replaces the one with the same id. */
  addClient(client: TestClient): void;
  addUser(user: TestUser): void;
  /** Adds a new signing key and makes it current; the previous keys stay published. */
  rotateKeys(): Promise<void>;
  /** The kid of the key the provider signs with now. */
  currentKid(): string;
  /**
   * Signs a JWT as the provider would, with claims of the test's choosing: `key` picks the
   * current published key, an older published one, or a key the provider never published.
   * `iss` defaults to the issuer, `iat` to now.
   */
  mint(
    claims: JWTPayload,
    options?: { key?: 'current' | 'previous' | 'unpublished'; kid?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real, certified OpenID provider (panva's `oidc-provider`) on a free port of 127.0.0.2, a
 * different site from Gantry's 127.0.0.1 as a real provider is, so browser cookies behave as
 * they do across sites. It has:
 * - a sign-in page (`/interaction/<uid>`) with one field, the user's login, and no password;
 *   signing in grants every scope asked for, so there is no consent page;
 * - the device authorization grant (RFC 8628), refresh tokens for clients allowed them,
 *   userinfo and RP-initiated logout;
 * - ID tokens that carry the scope claims (email, groups) as Dex, Keycloak and Okta put them,
 *   unless `conformIdTokenClaims` (then only userinfo has them);
 * - key rotation, and `mint` for tokens no honest provider would issue (expired, wrong
 *   audience, signed with a key it does not publish).
 */
export async function startOidcProvider(
  options: {
    clients?: TestClient[];
    users?: TestUser[];
    conformIdTokenClaims?: boolean;
  } = {},
): Promise<TestOidcProvider> {
  const clients = new Map<string, TestClient>();
  for (const client of options.clients ?? []) clients.set(client.client_id, client);
  const users = new Map<string, TestUser>();
  for (const user of options.users ?? []) users.set(user.login, user);
  const keys: SigningKey[] = [await newKey()];
  const unpublished = await newKey();
  const requests = new Map<string, number>();
  const storage = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();

  let provider: Provider | undefined;
  let issuer = '';
  const rebuild = () => {
    provider = new Provider(issuer, {
      clients: [...clients.values()],
      jwks: { keys: keys.map((key) => key.privateJwk) },
      cookies: { keys: ['gantry-test-provider-cookie-key'] },
      adapter: (model: string) => memoryAdapter(model, storage),
      findAccount: (_ctx: unknown, id: string) => {
        const user = users.get(id);
        if (!user) return undefined;
        return {
          accountId: id,
          claims: () => ({
            sub: id,
            ...(user.email ? { email: user.email, email_verified: true } : {}),
            ...(user.name ? { name: user.name } : {}),
            groups: user.groups ?? [],
          }),
        };
      },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['name'],
        groups: ['groups'],
      },
      scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
      conformIdTokenClaims: options.conformIdTokenClaims ?? false,
      features: {
        devInteractions: { enabled: false },
        deviceFlow: {
          enabled: true,
          userCodeInputSource: (ctx: { body: string }, form: string) => {
            ctx.body = htmlPage('Enter the code your device shows', form);
          },
          userCodeConfirmSource: (ctx: { body: string }, form: string) => {
            ctx.body = htmlPage(
              'Confirm the code your device shows',
              form.replace('</form>', '<button type="submit">Continue</button></form>'),
            );
          },
          successSource: (ctx: { body: string }) => {
            ctx.body = htmlPage('Signed in: you can go back to your device', '');
          },
        },
        rpInitiatedLogout: { enabled: true },
        userinfo: { enabled: true },
      },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      // Refresh tokens for every client allowed the grant, without the consent prompt that
      // offline_access otherwise needs.
      issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      pkce: { required: () => true },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        DeviceCode: 600,
        Grant: 3600,
        IdToken: 3600,
        Interaction: 600,
        RefreshToken: 86400,
        Session: 3600,
      },
      renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = 'text/plain';
        ctx.body = `error: ${out.error ?? ''}: ${out.error_description ?? ''}`;
      },
    });
    provider.on('server_error', (_ctx, err) => console.error('oidc-provider server error', err));
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://provider.invalid').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const current = provider!;
    if (path.startsWith('/interaction/'))
      interaction(current, users, req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${String(err)}`);
      });
    else current.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  issuer = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  rebuild();

  return {
    issuer,
    requests,
    addClient(client) {
      clients.set(client.client_id, client);
      rebuild();
    },
    addUser(user) {
      users.set(user.login, user);
    },
    async rotateKeys() {
      keys.unshift(await newKey());
      rebuild();
    },
    currentKid: () => keys[0]!.kid,
    async mint(claims, mintOptions = {}) {
      const key =
        mintOptions.key === 'unpublished'
          ? unpublished
          : mintOptions.key === 'previous'
            ? keys[1]
            : keys[0];
      if (!key) throw new Error('no previous key: rotate the keys first');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: mintOptions.kid ?? key.kid, typ: 'JWT' })
        .sign(key.privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A page of the provider's own UI (device flow). */
function htmlPage(title: string, form: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${form}</body></html>`;
}

/**
 * oidc-provider's storage, in memory and per provider (its built-in one is shared by every
 * instance in the process): codes, sessions, grants and interactions survive key rotation,
 * which rebuilds the Provider.
 */
function memoryAdapter(
  model: string,
  storage: Map<string, { payload: Record<string, unknown>; expiresAt: number }>,
) {
  const key = (id: string) => `${model}:${id}`;
  const live = (entry: { payload: Record<string, unknown>; expiresAt: number } | undefined) =>
    entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  const findBy = (field: string, value: string) =>
    [...storage.entries()].find(
      ([k, entry]) => k.startsWith(`${model}:`) && entry.payload[field] === value,
    )?.[1];
  return {
    upsert: (id: string, payload: Record<string, unknown>, expiresIn: number) => {
      storage.set(key(id), { payload, expiresAt: Date.now() + (expiresIn || 3600) * 1000 });
      return Promise.resolve();
    },
    find: (id: string) => Promise.resolve(live(storage.get(key(id)))),
    findByUid: (uid: string) => Promise.resolve(live(findBy('uid', uid))),
    findByUserCode: (userCode: string) => Promise.resolve(live(findBy('userCode', userCode))),
    consume: (id: string) => {
      const entry = storage.get(key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    },
    destroy: (id: string) => {
      storage.delete(key(id));
      return Promise.resolve();
    },
    revokeByGrantId: (grantId: string) => {
      for (const [k, entry] of storage) if (entry.payload.grantId === grantId) storage.delete(k);
      return Promise.resolve();
    },
  };
}

async function newKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return {
    kid,
    privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/**
 * The provider's sign-in page: GET shows a form with one field (the login); POST signs that
 * user in and grants what the client asked for, as if they had consented.
 */
async function interaction(
  provider: Provider,
  users: Map<string, TestUser>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const page = (message: string) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html><head><title>Test provider: sign in</title></head>
<body>
<h1>Sign in to the test provider</h1>
<p>${message}</p>
<form method="post" action="/interaction/${details.uid}">
<label>Login <input name="login" autofocus></label>
<button type="submit">Sign in</button>
</form>
</body></html>`);
  };
  if (req.method !== 'POST') return page(`${details.params.client_id} asks who you are.`);
  const form = new URLSearchParams(await readBody(req));
  const accountId = form.get('login') ?? '';
  if (!users.has(accountId)) return page(`No user "${escapeHtml(accountId)}". Try again.`);
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope ?? 'openid');
  grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'groups']);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A user agent made of fetch, for flows a test completes without a browser: follows redirects
 * keeping the provider's cookies, signs in as `login` on the sign-in form, submits the device
 * flow's confirmation form, and stops at the first response from outside the provider (the
 * client's redirect URI, which it has then called, unless `deliver` is false) or at a page
 * with no form to submit.
 */
export async function signInWithFetch(
  provider: { issuer: string },
  startUrl: string,
  login: string,
  options: { deliver?: boolean } = {},
): Promise<{ url: string; status: number; body: string }> {
  const cookies = new Map<string, string>();
  const providerOrigin = new URL(provider.issuer).origin;
  let url = new URL(startUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 30; step++) {
    const onProvider = url.origin === providerOrigin;
    if (!onProvider && options.deliver === false) return { url: url.href, status: 0, body: '' };
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(onProvider && cookies.size > 0
          ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }
          : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body,
    });
    if (onProvider)
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        const name = pair!.slice(0, at).trim();
        const value = pair!.slice(at + 1).trim();
        if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
    const text = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    if (!onProvider) return { url: url.href, status: response.status, body: text };
    const form = firstForm(text);
    if (!form) return { url: url.href, status: response.status, body: text };
    const fields = new URLSearchParams(form.hidden);
    if (form.names.includes('login')) fields.set('login', login);
    url = new URL(form.action || url.href, url);
    method = 'POST';
    body = fields.toString();
  }
  throw new Error(`signInWithFetch: too many steps from ${startUrl}`);
}

/** The first POST form of a page: its action, hidden fields and the names of its inputs. */
function firstForm(
  html: string,
): { action: string; hidden: Array<[string, string]>; names: string[] } | undefined {
  const match = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!match || !/method="post"/i.test(match[1]!)) return undefined;
  const action = /action="([^"]*)"/i.exec(match[1]!)?.[1] ?? '';
  const hidden: Array<[string, string]> = [];
  const names: string[] = [];
  for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = input[1]!;
    const name = /name="([^"]*)"/i.exec(attrs)?.[1];
    if (!name) continue;
    names.push(name);
    if (/type="hidden"/i.test(attrs))
      hidden.push([name, decodeEntities(/value="([^"]*)"/i.exec(attrs)?.[1] ?? '')]);
  }
  return { action: decodeEntities(action), hidden, names };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
