import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';
import { SHOP_PIPELINE } from './auth-fixtures.js';
import { cliAgainst, until } from './in-process-cli.js';

const PIPELINE = `${SHOP_PIPELINE}---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: bank}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop, labels: {kargo.akuity.io/cred-type: generic}}
stringData: {password: correct-horse-battery}
`;

describe('who may do what, end to end', () => {
  let dir: string;
  let gantry: RunningGantry;
  let admin: ReturnType<typeof cliAgainst>;
  const tokens: Record<string, string> = {};

  const start = async () =>
    startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
  /** The CLI as the holder of `token`. */
  const as = (token: string) => cliAgainst(() => ({ url: gantry.url, adminToken: token }), 'shop');
  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${gantry.url}${path}`, {
      ...init,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.headers as Record<string, string> | undefined),
      },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-auth-e2e-'));
    gantry = await start();
    admin = cliAgainst(() => gantry, 'shop');
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, PIPELINE);
    // The shop's hand-made Freight names an image no registry serves: --force.
    expect((await admin(['apply', '--force', '-f', file])).code).toBe(0);
    for (const [name, role, project] of [
      ['viewer', 'viewer', 'shop'],
      ['dev', 'developer', 'shop'],
      ['lead', 'admin', 'shop'],
      ['banker', 'admin', 'bank'],
    ] as const) {
      const created = await admin(['create', 'token', name, '--project', project, '--role', role]);
      expect(created.code, created.err).toBe(0);
      expect(created.out).toMatch(/^gty_\S+$/); // the token alone, for $(gantry create token …)
      tokens[name] = created.out;
    }
  });
  afterAll(async () => {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses anonymous callers and says how to sign in', async () => {
    const response = await api('/v1/projects/shop/stages');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'Authorization: Bearer',
    );
    const cli = cliAgainst(() => ({ url: gantry.url }), 'shop');
    const result = await cli(['get', 'stages']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('run `gantry login`, pass --token, or set GANTRY_TOKEN');
  });

  it('lets a viewer read, but not promote, approve, freeze, edit or read Secrets', async () => {
    const viewer = as(tokens.viewer!);
    expect((await viewer(['get', 'stages'])).out).toContain('dev');
    expect((await viewer(['whoami'])).out).toBe(
      'token:shop/viewer (project shop, role kargo-viewer)',
    );
    const refusals: Array<[string[], string]> = [
      [['promote', '--stage', 'dev', '--freight', 'first-freight'], 'may not create promotions'],
      [['approve', '--freight', 'first-freight', '--stage', 'dev'], 'may not promote stages "dev"'],
      [['freeze', '--reason', 'nope'], 'may not update projects "shop"'],
      [['get', 'secrets'], 'may not list secrets in project "shop"'],
      [['refresh', 'warehouse', 'app', '--no-wait'], 'may not refresh warehouses "app"'],
      [['delete', 'stage', 'dev'], 'may not delete stages "dev"'],
      [['create', 'token', 'mine', '--role', 'viewer'], 'may not create tokens'],
    ];
    for (const [args, message] of refusals) {
      const result = await viewer(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err, args.join(' ')).toContain(`token:shop/viewer ${message}`);
    }
  });

  it('lets a developer promote, but not edit the pipeline or read Secrets', async () => {
    const dev = as(tokens.dev!);
    const promoted = await dev([
      'promote',
      '--stage',
      'dev',
      '--freight',
      'first-freight',
      '--wait',
    ]);
    expect(promoted.code, promoted.err).toBe(0);
    const promotions = JSON.parse((await dev(['get', 'promotions', '-o', 'json'])).out) as {
      items: Array<{ metadata: { annotations?: Record<string, string> } }>;
    };
    expect(promotions.items[0]!.metadata.annotations?.['kargo.akuity.io/create-actor']).toBe(
      'token:shop/dev',
    );
    const edit = await dev(['delete', 'stage', 'dev']);
    expect(edit.err).toContain('token:shop/dev may not delete stages "dev"');
    const secrets = await api('/v1/projects/shop/secrets', { token: tokens.dev });
    expect(secrets.status).toBe(403);
    expect(await secrets.text()).not.toContain('correct-horse');
  });

  it('keeps a project admin out of every other project', async () => {
    const banker = as(tokens.banker!);
    expect((await banker(['get', 'stages'])).err).toContain(
      'token:bank/banker may not list stages in project "shop"',
    );
    const projects = JSON.parse((await banker(['get', 'projects', '-o', 'json'])).out) as {
      items: Array<{ metadata: { name: string } }>;
    };
    expect(projects.items.map((p) => p.metadata.name)).toEqual(['bank']);
    // A batch that names another project is refused as a whole, nothing written.
    const sneaky = join(dir, 'sneaky.yaml');
    writeFileSync(
      sneaky,
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: mine, namespace: bank}
spec: {subscriptions: [{image: {repoURL: 127.0.0.1:1/bank/app}}]}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: theirs, namespace: shop}
spec: {subscriptions: [{image: {repoURL: 127.0.0.1:1/evil}}]}
`,
    );
    const result = await banker(['apply', '-f', sneaky]);
    expect(result.err).toContain(
      'token:bank/banker may not create warehouses "theirs" in project "shop"',
    );
    expect((await admin(['get', 'warehouse', 'mine', '--project', 'bank'])).code).toBe(1);
    // A watch across projects shows nothing of shop.
    const watch = await api('/v1/watch?resourceVersion=0', { token: tokens.banker });
    const reader = watch.body!.getReader();
    let text = '';
    while (!text.includes('"name":"bank"'))
      text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).not.toContain('"namespace":"shop"');
    expect(text).not.toContain('"name":"shop"');
  });

  it('lets nobody grant more than they hold', async () => {
    const lead = as(tokens.lead!);
    // A project admin may bind a custom role and mint tokens in its project…
    const role = join(dir, 'role.yaml');
    writeFileSync(
      role,
      `apiVersion: rbac.kargo.akuity.io/v1alpha1
kind: Role
metadata: {name: releaser, namespace: shop}
rules:
- {verbs: [promote], resources: [stages], resourceNames: [dev]}
- {verbs: [create], resources: [promotions, roles, tokens]}
`,
    );
    expect((await lead(['apply', '-f', role])).code).toBe(0);
    const releaser = await lead(['create', 'token', 'releaser', '--role', 'releaser']);
    expect(releaser.code, releaser.err).toBe(0);
    // …but not a system token,
    expect((await lead(['create', 'token', 'root', '--system', '--role', 'admin'])).err).toContain(
      'token:shop/lead may not create tokens',
    );
    // and the releaser may not mint an admin token, nor write itself a broader Role.
    const limited = as(releaser.out);
    expect((await limited(['create', 'token', 'escalate', '--role', 'admin'])).err).toContain(
      'token:shop/releaser may not grant a token with role "kargo-admin" in project "shop"',
    );
    const broader = join(dir, 'broader.yaml');
    writeFileSync(
      broader,
      `apiVersion: rbac.kargo.akuity.io/v1alpha1
kind: Role
metadata: {name: everything, namespace: shop}
rules: [{verbs: ['*'], resources: ['*']}]
`,
    );
    expect((await limited(['apply', '-f', broader])).err).toContain(
      'token:shop/releaser may not grant role "everything" in project "shop"',
    );
    // Status is the controllers': not even the admin may forge a verification.
    const forged = await api('/v1/projects/shop/freight/manual/status', {
      method: 'PUT',
      token: gantry.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: { verifiedIn: { prod: {} } } }),
    });
    expect(forged.status).toBe(403);
  });

  it('signs a browser in with a session cookie, refuses cross-site writes, and signs out', async () => {
    const login = await api('/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens.lead }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^gantry_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const session = { cookie: cookie.split(';')[0]! };
    expect(
      ((await (await api('/v1/auth/whoami', { headers: session })).json()) as { actor: string })
        .actor,
    ).toBe('token:shop/lead');
    // A simple (text/plain) request, as a page on another origin can send with the cookie.
    const simple = await api('/v1/projects/shop/freeze', {
      method: 'POST',
      headers: { ...session, 'content-type': 'text/plain' },
      body: JSON.stringify({ reason: 'drive-by' }),
    });
    expect(simple.status).toBe(403);
    const crossOrigin = await api('/v1/projects/shop/freeze', {
      method: 'POST',
      headers: { ...session, 'content-type': 'application/json', origin: 'http://127.0.0.1:1' },
      body: JSON.stringify({ reason: 'drive-by' }),
    });
    expect(crossOrigin.status).toBe(403);
    // DNS rebinding: the attacker's name resolves to this server (fetch cannot set Host).
    const rebound = await new Promise<number>((resolve, reject) =>
      request(
        `${gantry.url}/v1/projects`,
        { headers: { ...session, host: 'attacker.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
    await api('/v1/auth/logout', {
      method: 'POST',
      headers: { ...session, 'content-type': 'application/json' },
    });
    const stale = await api('/v1/auth/whoami', { headers: session });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toBe(
      'your session has expired: sign in again',
    );
    expect(stale.headers.get('set-cookie')).toMatch(/^gantry_session=; Max-Age=0/);
    // A stale cookie never locks its browser out of signing in again.
    expect((await api('/v1/auth/config', { headers: session })).status).toBe(200);
  });

  it('records who changed what, and lists it by project and actor', async () => {
    expect((await admin(['freeze', '--reason', 'audit check'])).code).toBe(0);
    expect((await admin(['unfreeze'])).code).toBe(0);
    const events = JSON.parse((await admin(['get', 'events', '-o', 'json'])).out) as {
      items: Array<{ actor: string; action: string; kind: string; name: string; message?: string }>;
    };
    const seen = events.items.map((e) => `${e.actor} ${e.action} ${e.kind}/${e.name}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'token:initial-admin freeze Project/shop',
        'token:initial-admin unfreeze Project/shop',
        'token:shop/dev promote Promotion/' +
          events.items.find((e) => e.kind === 'Promotion')!.name,
        'token:initial-admin create Stage/dev',
        'token:shop/lead create APIToken/releaser',
      ]),
    );
    const byDev = JSON.parse(
      (await admin(['get', 'events', '--actor', 'token:shop/dev', '-o', 'json'])).out,
    ) as { items: Array<{ actor: string }> };
    expect(byDev.items.length).toBeGreaterThan(0);
    expect(byDev.items.every((e) => e.actor === 'token:shop/dev')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('correct-horse');
    // A viewer of the project reads its trail; the other project's admin does not.
    expect((await as(tokens.viewer!)(['get', 'events'])).code).toBe(0);
    expect((await as(tokens.banker!)(['get', 'events'])).err).toContain('may not list events');
  });

  it('keeps tokens across a restart, and stops them when revoked or expired', async () => {
    const short = await admin(['create', 'token', 'short', '--role', 'viewer', '--expires', '2s']);
    expect(short.code).toBe(0);
    await gantry.stop();
    gantry = await start();
    expect((await as(tokens.dev!)(['get', 'stages'])).code).toBe(0);
    expect((await admin(['delete', 'token', 'viewer'])).out).toBe('token/viewer deleted');
    expect((await as(tokens.viewer!)(['get', 'stages'])).err).toContain(
      'the API token is not valid (unknown, revoked or expired)',
    );
    await until(
      async () => (await as(short.out)(['get', 'stages'])).code === 1,
      'the short token to expire',
      30,
      200,
    );
    const listed = (await admin(['get', 'tokens'])).out;
    expect(listed).toContain('dev');
    expect(listed).not.toMatch(/gty_/);
  });

  describe('a web page on another origin, opened by a signed-in user', () => {
    let browser: Browser;
    let attacker: Server;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        // Every request a page can make without reading the answer: a form, simple fetches.
        res.end(`<!doctype html><body>
<form id=f method=POST action="${gantry.url}/v1/resources" enctype="text/plain">
<input name='{"items":[{"apiVersion":"kargo.akuity.io/v1alpha1","kind":"Project","metadata":{"name":"pwned"}}],"x":"' value='"}'></form>
<script>
fetch(${JSON.stringify(gantry.url)} + '/v1/projects', {method: 'POST', mode: 'no-cors', credentials: 'include',
  headers: {'content-type': 'text/plain'}, body: JSON.stringify({apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Project', metadata: {name: 'pwned2'}})})
  .finally(() => { document.title = 'sent'; document.getElementById('f').submit(); });
</script></body>`);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await browser.close();
      await new Promise((resolve) => attacker.close(resolve));
    });

    it('achieves nothing', async () => {
      const context = await browser.newContext();
      const login = await context.request.post(`${gantry.url}/v1/auth/login`, {
        data: { token: gantry.adminToken },
      });
      expect(login.status()).toBe(200);
      const page = await context.newPage();
      const port = (attacker.address() as { port: number }).port;
      // localhost vs 127.0.0.1: another origin, as any site on the internet is.
      const navigated = page.waitForURL(`${gantry.url}/v1/resources`);
      await page.goto(`http://localhost:${port}/`);
      await navigated;
      expect(await page.content()).toContain('cross-site request refused');
      await context.close();
      for (const name of ['pwned', 'pwned2'])
        expect((await admin(['get', 'project', name])).code, name).toBe(1);
    });
  });
});
