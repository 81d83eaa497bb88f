import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from './chromium.js';
import { ROOT } from './gantry-process.js';
import { cliAgainst } from './in-process-cli.js';
import { startRegistry, type TestRegistry } from './registry.js';

const SHOTS = join(ROOT, 'test-artifacts', 'ui');
const SECRET_VALUE = 'hunter2-never-shown';

/**
 * The UI's Warehouse page, YAML view, step timings, full error texts, badges and dark theme in
 * Chromium, against an in-process server and Debian's docker-registry. Warehouses: `api`
 * (finds 1.x), `picky` (a constraint nothing matches), `broken` (a registry address that
 * refuses connections: its error shows in full). Stages: `dev` (auto-promoted, two steps, no
 * verification) and `qa` (a step that fails with a message of several lines). Screenshots go
 * to test-artifacts/ui/, light and dark.
 */
describe('the web UI: Warehouses, YAML, step timings, errors in full, dark theme', () => {
  let dir: string;
  let registry: TestRegistry;
  let gantry: RunningGantry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cli = cliAgainst(() => gantry, 'shop');
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${gantry.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token ?? gantry.adminToken}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as any;
  };
  const newContext = async (options: { colorScheme?: 'light' | 'dark'; token?: string } = {}) => {
    const created = await browser.newContext({
      viewport: { width: 1300, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
    });
    created.setDefaultTimeout(10_000);
    const answer = await created.request.post(`${gantry.url}/v1/auth/login`, {
      data: { token: options.token ?? gantry.adminToken },
    });
    if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()}`);
    return created;
  };
  const shot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  /** The Ready condition's message of a Warehouse, as the API has it. */
  const readyMessage = async (name: string): Promise<string> =>
    ((await api('GET', `/v1/projects/shop/warehouses/${name}`)).status?.conditions ?? []).find(
      (c: { type: string }) => c.type === 'Ready',
    )?.message ?? '';

  beforeAll(async () => {
    ensureUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'gantry-ui-warehouse-'));
    registry = await startRegistry();
    await registry.pushImage('shop/api', '1.0.0');
    await registry.pushImage('shop/api', '1.1.0');
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    const failure = ['checks failed:', '  - smoke: 502 from /healthz', '  - lint: 3 warnings'];
    writeFileSync(
      join(dir, 'shop.yaml'),
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: shop, namespace: shop}
spec:
  promotionPolicies: [{stageSelector: {name: dev}, autoPromotionEnabled: true}]
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {password: ${SECRET_VALUE}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: api, namespace: shop}
spec:
  subscriptions: [{image: {repoURL: ${registry.host}/shop/api, constraint: ^1.0.0}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: picky, namespace: shop}
spec:
  subscriptions: [{image: {repoURL: ${registry.host}/shop/api, constraint: ^9.0.0}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: broken, namespace: shop}
spec:
  subscriptions: [{image: {repoURL: 127.0.0.1:1/shop/broken}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: api}, sources: {direct: true}}]
  promotionTemplate:
    spec:
      steps:
      - {uses: compose-output, as: prepare, config: {ok: true}}
      - {uses: compose-output, as: publish, config: {done: true}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: qa, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: api}, sources: {direct: true}}]
  promotionTemplate:
    spec:
      steps:
      - {uses: compose-output, as: prepare, config: {ok: true}}
      - {uses: fail, as: gate, config: {message: ${JSON.stringify(failure.join('\n'))}}}
`,
    );
    const applied = await cli(['apply', '-f', join(dir, 'shop.yaml')]);
    expect(applied.err).toBe('');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context = await newContext();
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a Warehouse from its card: its subscription, what it found, and its Freight', async () => {
    await page.goto(`${gantry.url}/projects/shop`);
    const card = page.getByTestId('warehouse-api');
    await expect.poll(() => card.isVisible()).toBe(true);
    await card.getByRole('link', { name: 'api' }).click();
    expect(new URL(page.url()).pathname).toBe('/projects/shop/warehouses/api');
    const sub = page.getByTestId('subscription-0');
    await expect.poll(() => sub.innerText(), { timeout: 20_000 }).toContain('1.1.0');
    const text = await sub.innerText();
    expect(text).toContain(`${registry.host}/shop/api`);
    expect(text).toContain('SemVer · constraint ^1.0.0');
    expect(text).toContain('1.0.0');
    await expect
      .poll(() => page.getByTestId('warehouse-freight').innerText())
      .toContain('api:1.1.0');
    expect(await page.getByTestId('discovery-result').innerText()).toMatch(/created Freight \S+/);
    await shot('warehouse');
  });

  it('refreshes from the page and shows what that discovery did', async () => {
    await page.goto(`${gantry.url}/projects/shop/warehouses/api`);
    await expect.poll(() => page.getByTestId('subscription-0').innerText()).toContain('1.1.0');
    await registry.pushImage('shop/api', '1.2.0');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => page.getByTestId('refresh-result').innerText(), { timeout: 20_000 })
      .toMatch(/^Refreshed in [\d.]+m?s: created Freight \S+/);
    expect(await page.getByTestId('subscription-0').innerText()).toContain('1.2.0');
    await expect
      .poll(() => page.getByTestId('warehouse-freight').innerText())
      .toContain('api:1.2.0');
    // Nothing new the second time: the page says so.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => page.getByTestId('refresh-result').innerText(), { timeout: 20_000 })
      .toContain('are in Freight');
    await shot('warehouse-refreshed');
  });

  it('says why a Warehouse found nothing: its constraint matched no tag', async () => {
    await page.goto(`${gantry.url}/projects/shop/warehouses/picky`);
    await expect
      .poll(() => page.getByTestId('subscription-0-nothing').innerText(), { timeout: 20_000 })
      .toBe('nothing matched: SemVer, constraint ^9.0.0');
    expect(await page.getByTestId('warehouse-no-freight').isVisible()).toBe(true);
    expect(await page.getByTestId('discovery-result').innerText()).toContain('no Freight');
  });

  it('shows a failing discovery’s error in full, on the page and from the card', async () => {
    await expect.poll(() => readyMessage('broken'), { timeout: 20_000 }).toContain('127.0.0.1:1');
    const message = await readyMessage('broken');
    const prefix = 'image 127.0.0.1:1/shop/broken: ';
    expect(message.startsWith(prefix)).toBe(true);
    await page.goto(`${gantry.url}/projects/shop/warehouses/broken`);
    const error = page.getByTestId('subscription-0-error-text');
    await expect.poll(() => error.isVisible()).toBe(true);
    if (await error.getByRole('button').count()) {
      await error.getByRole('button').click();
      expect(await page.getByTestId('subscription-0-error-text-full').innerText()).toBe(
        message.slice(prefix.length),
      );
    } else {
      expect(await error.innerText()).toBe(message.slice(prefix.length));
    }
    expect(await page.getByTestId('warehouse-page').locator('.badge-bad').innerText()).toBe(
      'discovery failed',
    );
    await shot('warehouse-failing');

    // On the pipeline, the card's one line opens to the whole message.
    await page.goto(`${gantry.url}/projects/shop`);
    const problem = page.getByTestId('warehouse-broken-problem');
    await expect.poll(() => problem.isVisible()).toBe(true);
    await problem.getByRole('button').click();
    expect(await page.getByTestId('warehouse-broken-problem-full').innerText()).toBe(message);
    expect(await page.getByTestId('warehouse-broken-problem-full').isVisible()).toBe(true);
    await shot('warehouse-card-error');
  });

  it('shows no Refresh to a viewer', async () => {
    const { token } = await api('POST', '/v1/projects/shop/tokens', { name: 'v', role: 'viewer' });
    const viewerContext = await newContext({ token });
    try {
      const viewer = await viewerContext.newPage();
      await viewer.goto(`${gantry.url}/projects/shop/warehouses/api`);
      await expect.poll(() => viewer.getByTestId('subscription-0').isVisible()).toBe(true);
      await expect.poll(() => viewer.getByTestId('warehouse-freight').isVisible()).toBe(true);
      expect(await viewer.getByRole('button', { name: 'Refresh' }).count()).toBe(0);
    } finally {
      await viewerContext.close();
    }
  });

  it('shows any object as YAML, as the API returns it, and copies it', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gantry.url });
    await page.goto(`${gantry.url}/projects/shop/warehouses/api`);
    await page.getByTestId('yaml-link').click();
    expect(new URL(page.url()).pathname).toBe('/projects/shop/warehouses/api/yaml');
    const text = page.getByTestId('yaml-text');
    await expect.poll(() => text.innerText()).toContain('kind: Warehouse');
    const shown = await text.innerText();
    expect(shown).toContain('  name: api\n');
    expect(shown).toContain(`repoURL: ${registry.host}/shop/api`);
    expect(shown).toContain('discoveredArtifacts:');
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.getByTestId('yaml-copied').innerText()).toBe('Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(shown);
    await shot('yaml');

    for (const [path, expected] of [
      ['/projects/shop/yaml', 'kind: Project'],
      ['/projects/shop/stages/dev/yaml', 'kind: Stage'],
      ['/projects/shop/projectconfigs/shop/yaml', 'kind: ProjectConfig'],
    ] as const) {
      await page.goto(`${gantry.url}${path}`);
      await expect.poll(() => text.innerText(), { message: path }).toContain(expected);
    }
    // A Secret comes from the API without its values: the page has nothing to show.
    expect(JSON.stringify(await api('GET', '/v1/projects/shop/secrets/creds'))).not.toContain(
      SECRET_VALUE,
    );
    await page.goto(`${gantry.url}/projects/shop/secrets/creds/yaml`);
    await expect.poll(() => text.innerText()).toContain('kind: Secret');
    expect(await text.innerText()).not.toContain(SECRET_VALUE);
    // An object that does not exist: the server's message, not an empty page.
    await page.goto(`${gantry.url}/projects/shop/stages/nope/yaml`);
    await expect.poll(() => page.getByTestId('yaml-error').innerText()).toContain('nope');
  });

  it('shows when each step started and how long it took, and a failed step’s error in full', async () => {
    await expect
      .poll(
        async () =>
          (await api('GET', '/v1/projects/shop/stages/dev')).status?.lastPromotion?.status?.phase,
        {
          timeout: 30_000,
        },
      )
      .toBe('Succeeded');
    const done = (await api('GET', '/v1/projects/shop/stages/dev')).status.lastPromotion.name;
    const recorded = (await api('GET', `/v1/projects/shop/promotions/${done}`)).status
      .stepExecutionMetadata;
    for (const step of recorded) {
      expect(Date.parse(step.startedAt)).not.toBeNaN();
      expect(Date.parse(step.finishedAt)).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
    }
    await page.goto(`${gantry.url}/projects/shop/promotions/${done}`);
    await expect.poll(() => page.getByTestId('step-time').count()).toBe(2);
    for (const time of await page.getByTestId('step-time').allInnerTexts())
      expect(time).toMatch(/^started \+[\d.]+m?s, took [\d.]+m?s$/);
    expect(await page.locator('.step-bar span').count()).toBe(2);
    await shot('promotion-timings');

    const freight = (await api('GET', '/v1/projects/shop/freight')).items[0].metadata.name;
    const promotion = await api('POST', '/v1/projects/shop/promotions', {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: { namespace: 'shop' },
      spec: { stage: 'qa', freight },
    });
    await page.goto(`${gantry.url}/projects/shop/promotions/${promotion.metadata.name}`);
    const error = page.getByTestId('step-error');
    await expect.poll(() => error.isVisible(), { timeout: 30_000 }).toBe(true);
    // The fail step's message in Kargo's words: `failed: <message>`.
    expect(await error.innerText()).toMatch(/^failed: checks failed:/);
    expect(await error.innerText()).not.toContain('lint: 3 warnings');
    await error.getByRole('button').click();
    expect(await page.getByTestId('step-error-full').innerText()).toBe(
      'failed: checks failed:\n  - smoke: 502 from /healthz\n  - lint: 3 warnings',
    );
    expect(
      await page
        .getByTestId('step-error-full')
        .evaluate((e) => (globalThis as any).getComputedStyle(e).fontFamily as string),
    ).toContain('monospace');
    await shot('promotion-step-error');
  });

  it('shows verification only where it is configured, and frozen unlike auto', async () => {
    await page.goto(`${gantry.url}/projects/shop`);
    const dev = page.getByTestId('stage-dev');
    await expect.poll(() => page.getByTestId('stage-dev-freight').innerText()).toContain('api:');
    expect(await dev.innerText()).not.toContain('verification');
    expect(await dev.locator('.badge-info').innerText()).toBe('↻ auto');
    await api('POST', '/v1/projects/shop/freeze', { reason: 'audit week' });
    await expect.poll(() => dev.locator('.badge-frozen').innerText()).toBe('❄ frozen');
    expect(await dev.locator('.badge-info').count()).toBe(0);
    const [frozenStyle, autoStyle] = [
      await dev
        .locator('.badge-frozen')
        .evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundColor as string),
      'rgba(0, 0, 0, 0)',
    ];
    expect(frozenStyle).not.toBe(autoStyle); // filled, where auto is only outlined
    await shot('frozen-badges');
    await api('POST', '/v1/projects/shop/unfreeze');
    await expect.poll(() => dev.locator('.badge-info').innerText()).toBe('↻ auto');
  });

  it('follows a dark system setting on every page, and a light one', async () => {
    const background = (target: Page) =>
      target.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    expect(await background(page)).toBe('rgb(246, 247, 249)');
    const dark = await newContext({ colorScheme: 'dark' });
    try {
      const night = await dark.newPage();
      const pages: Array<[string, string, string]> = [
        ['/', 'project-shop', 'dark-projects'],
        ['/projects/shop', 'stage-dev', 'dark-pipeline'],
        ['/projects/shop/warehouses/broken', 'subscription-0-error', 'dark-warehouse-failing'],
        ['/projects/shop/warehouses/api', 'warehouse-freight', 'dark-warehouse'],
        ['/projects/shop/stages/dev/yaml', 'yaml-text', 'dark-yaml'],
      ];
      for (const [path, testId, name] of pages) {
        await night.goto(`${gantry.url}${path}`);
        await expect
          .poll(() => night.getByTestId(testId).isVisible(), { message: path })
          .toBe(true);
        expect(await background(night)).toBe('rgb(18, 22, 30)');
        // Text is light on the dark background.
        expect(
          await night.evaluate<string>('getComputedStyle(document.documentElement).color'),
        ).toBe('rgb(227, 231, 238)');
        await shot(name, night);
      }
      const done = (await api('GET', '/v1/projects/shop/stages/qa')).status.lastPromotion.name;
      await night.goto(`${gantry.url}/projects/shop/promotions/${done}`);
      await expect.poll(() => night.getByTestId('step-error').isVisible()).toBe(true);
      await shot('dark-promotion', night);
    } finally {
      await dark.close();
    }
  });
});
