import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from './chromium.js';
import { SHOP_PIPELINE } from './auth-fixtures.js';
import { until } from './in-process-cli.js';
import { signInWithFetch, startOidcProvider, type TestOidcProvider } from './oidc-provider.js';

const PIPELINE = `${SHOP_PIPELINE}---
apiVersion: rbac.kargo.akuity.io/v1alpha1
kind: Role
metadata: {name: kargo-promoter, namespace: shop}
claims: [{name: groups, values: [devs]}]
`;

const STAGE_EDIT = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]
  promotionTemplate: {spec: {steps: [{uses: compose-output, config: {changed: true}}]}}
`;

interface CliRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Single sign-on end to end: a real OpenID provider (oidc-provider) and a real Gantry server
 * started with `--auth-config`; the CLI signs in through the provider (loopback and device
 * flows, a fetch-based user agent in the browser's place), Chromium signs in through the UI,
 * and the provider's claims decide what each user may do.
 */
describe('single sign-on (OIDC) end to end', () => {
  let dir: string;
  let provider: TestOidcProvider;
  let gantry: RunningGantry;
  let browser: Browser;

  /** The CLI as one person on their own machine (their own CLI config file). */
  const cliConfig = (login: string) => join(dir, `${login}-cli-config.yaml`);
  const cli = async (
    login: string,
    args: string[],
    options: { now?: () => Date; onErr?: (text: string) => void } = {},
  ): Promise<CliRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => {
        err.push(text);
        options.onErr?.(text);
      },
      env: { GANTRY_SERVER: gantry.url, GANTRY_PROJECT: 'shop', GANTRY_CONFIG: cliConfig(login) },
      now: options.now,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  /**
   * `gantry login --sso …` as `login`: the test plays the person at the browser, following
   * the URL the CLI prints through the provider's sign-in page.
   */
  const ssoLogin = async (login: string, flags: string[]): Promise<CliRun & { page: string }> => {
    let printed!: (url: string) => void;
    const url = new Promise<string>((resolve) => (printed = resolve));
    const run = cli(login, ['login', '--sso', ...flags], {
      onErr: (text) => {
        const match = /\(or open (\S+)\)/.exec(text) ?? /^\s+(http\S+)$/m.exec(text);
        if (match) printed(match[1]!);
      },
    });
    const first = await Promise.race([url, run]);
    if (typeof first !== 'string')
      throw new Error(`gantry login ended before printing a URL: ${first.err}`);
    const page = await signInWithFetch(provider, first, login);
    return { ...(await run), page: page.body };
  };

  const api = (path: string, token: string) =>
    fetch(`${gantry.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const savedToken = (login: string) =>
    parse(readFileSync(cliConfig(login), 'utf8')).servers[gantry.url];

  beforeAll(async () => {
    ensureUiBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gantry-oidc-e2e-'));
    provider = await startOidcProvider({
      users: [
        { login: 'alice', email: 'alice@example.com', name: 'Alice', groups: ['platform'] },
        { login: 'dave', email: 'dave@example.com', groups: ['devs'] },
        { login: 'nora', email: 'nora@example.com', groups: ['marketing'] },
      ],
      clients: [
        {
          // The CLI's public client: loopback redirect on any port (RFC 8252), device flow.
          client_id: 'gantry-cli',
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: [
            'authorization_code',
            'refresh_token',
            'urn:ietf:params:oauth:grant-type:device_code',
          ],
          response_types: ['code'],
        },
      ],
    });
    const authConfig = join(dir, 'auth.yaml');
    writeFileSync(
      authConfig,
      `oidc:
  issuerURL: ${provider.issuer}
  clientID: gantry
  clientSecretEnv: TEST_GANTRY_OIDC_SECRET
  cliClientID: gantry-cli
  scopes: [openid, profile, email, groups]
systemRoles:
  admins: {groups: [platform]}
`,
    );
    process.env.TEST_GANTRY_OIDC_SECRET = 'ui-client-secret';
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h', authConfig },
        {},
      ),
      silentLogger,
    );
    // The UI's confidential client, registered once the server's address is known.
    provider.addClient({
      client_id: 'gantry',
      client_secret: 'ui-client-secret',
      redirect_uris: [`${gantry.url}/v1/auth/oidc/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
    // Discovery runs in the background; sign-in answers 503 until it is done.
    await until(
      async () =>
        (await fetch(`${gantry.url}/v1/auth/oidc/login`, { redirect: 'manual' })).status === 302,
      'single sign-on to be ready',
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    await provider?.stop();
    delete process.env.TEST_GANTRY_OIDC_SECRET;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('tells clients how to sign in', async () => {
    const config = await (await fetch(`${gantry.url}/v1/auth/config`)).json();
    expect(config).toEqual({
      sso: true,
      tokens: true,
      issuer: provider.issuer,
      cliClientID: 'gantry-cli',
      scopes: ['openid', 'profile', 'email', 'groups'],
    });
  });

  it('gantry login --sso --no-browser: signs in through the provider, saves the ID token (0600), whoami shows the user', async () => {
    const login = await ssoLogin('alice', ['--no-browser']);
    expect(login.code, login.err).toBe(0);
    expect(login.err).toMatch(
      /To sign in, open this URL in a browser on this machine:\n {2}http:\/\/127\.0\.0\.2:\d+\/auth\?/,
    );
    expect(login.page).toContain('Signed in to Gantry');
    expect(login.out).toBe(
      `Signed in to ${gantry.url} as email:alice@example.com (saved in ${cliConfig('alice')})`,
    );
    expect(statSync(cliConfig('alice')).mode & 0o777).toBe(0o600);
    const saved = savedToken('alice');
    expect(saved).toMatchObject({
      user: 'email:alice@example.com',
      sso: { issuer: provider.issuer, clientID: 'gantry-cli' },
    });
    expect(saved.token.split('.')).toHaveLength(3);
    expect(saved.sso.refreshToken).toEqual(expect.any(String));

    const whoami = await cli('alice', ['whoami']);
    expect(whoami).toMatchObject({
      code: 0,
      out: 'email:alice@example.com (email alice@example.com, groups platform)',
    });
    // alice is a system admin through her group claim: she sets the project up.
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, PIPELINE);
    // The shop's hand-made Freight names an image no registry serves: --force.
    const applied = await cli('alice', ['apply', '--force', '-f', file]);
    expect(applied.code, applied.err).toBe(0);
  });

  it('gantry login --sso --device: the device flow; a devs user may promote in the project but not edit its Stages', async () => {
    const login = await ssoLogin('dave', ['--device']);
    expect(login.code, login.err).toBe(0);
    expect(login.err).toMatch(
      /To sign in, open http:\/\/127\.0\.0\.2:\d+\/device and enter the code [A-Z]{4}-[A-Z]{4}/,
    );
    expect(login.out).toContain('as email:dave@example.com');
    expect((await cli('dave', ['whoami'])).out).toBe(
      'email:dave@example.com (email dave@example.com, groups devs)',
    );

    const promoted = await cli('dave', ['promote', '--stage', 'dev', '--freight', 'first-freight']);
    expect(promoted.code, promoted.err).toBe(0);
    const file = join(dir, 'stage-edit.yaml');
    writeFileSync(file, STAGE_EDIT);
    const edit = await cli('dave', ['apply', '-f', file]);
    expect(edit.code).toBe(1);
    expect(edit.err).toContain(
      'email:dave@example.com may not update stages "dev" in project "shop"',
    );
  }, 60_000);

  it('a user whose claims match no role sees no projects and is refused (403)', async () => {
    const login = await ssoLogin('nora', ['--no-browser']);
    expect(login.code, login.err).toBe(0);
    const token = savedToken('nora').token as string;
    const projects = await api('/v1/projects', token);
    expect(projects.status).toBe(200);
    expect(((await projects.json()) as { items: unknown[] }).items).toEqual([]);
    const stages = await api('/v1/projects/shop/stages', token);
    expect(stages.status).toBe(403);
    expect(((await stages.json()) as any).error.message).toContain(
      'email:nora@example.com may not list stages',
    );
    const cliStages = await cli('nora', ['get', 'stages']);
    expect(cliStages.code).toBe(1);
  });

  it('refreshes an expired ID token with the refresh token before a command', async () => {
    const before = savedToken('alice');
    const later = new Date(Date.parse(before.sso.expiresAt) + 60_000);
    const whoami = await cli('alice', ['whoami'], { now: () => later });
    expect(whoami.code, whoami.err).toBe(0);
    expect(whoami.err).toBe('');
    const after = savedToken('alice');
    expect(after.token).not.toBe(before.token);
    expect(after.sso.refreshToken).not.toBe(before.sso.refreshToken); // rotated by the provider
    expect((await api('/v1/auth/whoami', after.token)).status).toBe(200);
  });

  it('refuses provider tokens that are expired or for another audience, saying why', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [claims, message] of [
      [{ sub: 'alice', aud: 'gantry', exp: now - 3600 }, /the token expired at/],
      [{ sub: 'alice', aud: 'grafana', exp: now + 3600 }, /audience "grafana", not this server/],
    ] as const) {
      const response = await api('/v1/auth/whoami', await provider.mint(claims));
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error.message).toMatch(message);
    }
  });

  describe('in Chromium', () => {
    let context: BrowserContext;
    beforeAll(async () => {
      context = await browser.newContext();
      context.setDefaultTimeout(10_000);
    });
    afterAll(async () => {
      await context?.close();
    });

    /** Fills the provider's sign-in form as `login`. */
    const signInAtProvider = async (
      page: Awaited<ReturnType<BrowserContext['newPage']>>,
      login: string,
    ) => {
      await page.waitForURL((url) => url.origin === provider.issuer);
      await page.getByLabel('Login').fill(login);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };

    it('signs in from the sign-in page through the provider and lands on the page asked for', async () => {
      const page = await context.newPage();
      await page.goto(`${gantry.url}/projects/shop`);
      await page.getByTestId('sso-sign-in').click();
      await signInAtProvider(page, 'dave');
      await page.waitForURL(`${gantry.url}/projects/shop`);
      // Signed in: the shell names the user instead of showing the sign-in page.
      await expect
        .poll(() => page.getByTestId('whoami').innerText())
        .toContain('email:dave@example.com');
      expect(await page.getByTestId('sign-in').count()).toBe(0);
      const session = (await context.cookies(gantry.url)).find((c) => c.name === 'gantry_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      // The pending sign-in's cookie is gone.
      expect(
        (await context.cookies(gantry.url)).some((c) => c.name.startsWith('gantry_oidc_')),
      ).toBe(false);
      const whoami = await page.evaluate(async () => (await fetch('/v1/auth/whoami')).json());
      expect(whoami).toMatchObject({
        kind: 'user',
        actor: 'email:dave@example.com',
        groups: ['devs'],
      });
      // Signing out also says where to end the provider's session.
      const signedOut = await page.evaluate(async () =>
        (
          await fetch('/v1/auth/logout', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
          })
        ).json(),
      );
      expect(signedOut).toEqual({
        signedOut: true,
        endSessionURL: `${provider.issuer}/session/end?client_id=gantry`,
      });
      await page.close();
    });

    it.each(['//evil.example/steal', 'https://evil.example/', '/\\evil.example'])(
      'lands on / after a sign-in asked to go to %j',
      async (redirect) => {
        const fresh = await browser.newContext();
        try {
          const page = await fresh.newPage();
          await page.goto(
            `${gantry.url}/v1/auth/oidc/login?redirect=${encodeURIComponent(redirect)}`,
          );
          await signInAtProvider(page, 'alice');
          await page.waitForURL(`${gantry.url}/`);
          expect(new URL(page.url()).origin).toBe(gantry.url);
        } finally {
          await fresh.close();
        }
      },
    );
  });
});
