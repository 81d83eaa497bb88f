import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from './chromium.js';
import { startExampleProject, type ExampleProject } from './example-project.js';
import { ROOT } from './gantry-process.js';

const SHOTS = join(ROOT, 'test-artifacts', 'ui');

interface ApiFreight {
  metadata: { name: string };
  alias?: string;
  images?: Array<{ tag?: string; digest?: string }>;
}

/**
 * The Stage page and the Freight page in Chromium, against the example project running for
 * real (registry, git over HTTP, the Argo CD double): 1.2.1 and 1.2.2 go through dev and
 * staging on their own, the admin approves 1.2.2 for prod and promotes it. The Stage pages
 * show what each Stage runs, its Promotions (who, result) and verifications; the Freight page
 * shows the artifacts, where the Freight has been, who approved it, and its diff against the
 * Freight before it, or the one the promote dialog's "compare with current" picks.
 * Screenshots go to test-artifacts/ui/.
 */
describe('the Stage and Freight pages', () => {
  let example: ExampleProject;
  let browser: Browser;
  let page: Page;
  let adminToken: string;
  let adminActor: string;
  const asAdmin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${example.gantry.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as any;
  };
  const freightTagged = async (tag: string): Promise<ApiFreight | undefined> => {
    const list: { items: ApiFreight[] } = await asAdmin('GET', '/v1/projects/frontend/freight');
    return list.items.find((f) => f.images?.[0]?.tag === tag);
  };
  /** Waits until `actual` answers `wanted` (setup runs outside a test: no expect.poll). */
  const until = (actual: () => Promise<unknown>, wanted: unknown) =>
    vi.waitFor(async () => expect(await actual()).toBe(wanted), {
      timeout: 60_000,
      interval: 100,
    });
  /** The tag a Stage runs, from the API. */
  const runs = async (stage: string): Promise<string | undefined> => {
    const object = await asAdmin('GET', `/v1/projects/frontend/stages/${stage}`);
    const items = Object.values<ApiFreight>(object.status?.freightHistory?.[0]?.items ?? {});
    return items[0]?.images?.[0]?.tag;
  };
  const shot = (name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  let v1: ApiFreight;
  let v2: ApiFreight;

  beforeAll(async () => {
    ensureUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    example = await startExampleProject();
    adminToken = example.gantry.adminToken!;
    adminActor = (await asAdmin('GET', '/v1/auth/whoami')).actor;
    // 1.2.1 (found at start) and then 1.2.2 reach staging on their own.
    await until(() => runs('staging'), '1.2.1');
    await example.push('1.2.2');
    await until(() => runs('staging'), '1.2.2');
    v1 = (await freightTagged('1.2.1'))!;
    v2 = (await freightTagged('1.2.2'))!;
    // The admin approves 1.2.2 for prod (it has not soaked an hour) and promotes it there.
    await asAdmin('POST', `/v1/projects/frontend/freight/${v2.metadata.name}/approve`, {
      stage: 'prod',
    });
    const promotion = await asAdmin('POST', '/v1/projects/frontend/promotions', {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: { namespace: 'frontend' },
      spec: { stage: 'prod', freight: v2.alias },
    });
    const promoted = `/v1/projects/frontend/promotions/${promotion.metadata.name as string}`;
    await until(async () => (await asAdmin('GET', promoted)).status?.phase, 'Succeeded');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.setDefaultTimeout(10_000);
    const login = await context.request.post(`${example.gantry.url}/v1/auth/login`, {
      data: { token: adminToken },
    });
    expect(login.ok()).toBe(true);
    page = await context.newPage();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  it("opens a Stage's page from the pipeline: what it runs, its Promotions and where its Freight comes from", async () => {
    await page.goto(`${example.gantry.url}/projects/frontend`);
    await page
      .getByTestId('stage-staging')
      .getByRole('link', { name: 'staging', exact: true })
      .click();
    expect(new URL(page.url()).pathname).toBe('/projects/frontend/stages/staging');
    const current = page.getByTestId('stage-current');
    await expect.poll(() => current.innerText()).toContain(v2.alias!);
    expect(await current.innerText()).toContain('1.2.2');
    expect(await current.innerText()).toContain(v2.images![0]!.digest!);
    expect(await page.getByTestId('stage-requested').innerText()).toBe(
      'Warehouse frontend, after dev',
    );
    expect(await page.getByTestId('stage-auto').innerText()).toContain('on');

    // Two auto-promotions, newest first, each with its Freight, who made it and the result.
    const rows = page.getByTestId('stage-promotion');
    await expect.poll(() => rows.count()).toBe(2);
    const cells = async (i: number) => rows.nth(i).locator('td').allInnerTexts();
    const [newest, oldest] = [await cells(0), await cells(1)];
    expect(newest.slice(1, 3)).toEqual([v2.alias, 'system:auto-promotion']);
    expect(newest[4]).toBe('Succeeded');
    expect(newest[5]).toMatch(/^staging\./);
    expect(oldest.slice(1, 3)).toEqual([v1.alias, 'system:auto-promotion']);
    // No verification configured: said, and each arrival recorded as verified at once.
    expect(await page.getByTestId('stage-no-verification').innerText()).toContain(
      'This Stage has no verification',
    );
    const verified = await page
      .getByTestId('stage-verification')
      .first()
      .locator('td')
      .allInnerTexts();
    expect(verified.slice(3)).toEqual([
      'Successful',
      'after promotion',
      'no verification configured',
    ]);
    await shot('stage-page');

    // A Promotion's link opens its page.
    await rows
      .nth(0)
      .getByRole('link', { name: /^staging\./ })
      .click();
    await expect.poll(() => page.getByTestId('promotion-name').innerText()).toMatch(/^staging\./);
  });

  it("shows a verified Stage's verifications and health, and a promotion made by a person", async () => {
    await page.goto(`${example.gantry.url}/projects/frontend/stages/dev`);
    const runsShown = page.getByTestId('stage-verification');
    await expect.poll(() => runsShown.count()).toBeGreaterThanOrEqual(2);
    const first = await runsShown.nth(0).locator('td').allInnerTexts();
    expect(first[1]).toContain(v2.alias);
    expect(first[1]).toContain('frontend:1.2.2');
    expect(first[3]).toBe('Successful');
    expect(first[4]).toBe('after promotion');
    expect(await page.getByTestId('stage-requested').innerText()).toBe(
      'Warehouse frontend, directly',
    );
    await expect.poll(() => page.getByTestId('stage-health').innerText()).toContain('Healthy');
    expect(await page.getByTestId('stage-health').innerText()).toContain('argocd/frontend-dev');
    await shot('stage-page-dev');

    await page.goto(`${example.gantry.url}/projects/frontend/stages/prod`);
    const promotion = page.getByTestId('stage-promotion');
    await expect.poll(() => promotion.count()).toBe(1);
    expect((await promotion.locator('td').allInnerTexts()).slice(1, 3)).toEqual([
      v2.alias,
      adminActor,
    ]);
    expect(await page.getByTestId('stage-auto').innerText()).toBe('off: promoted by people');
    expect(await page.getByTestId('stage-requested').innerText()).toBe(
      'Warehouse frontend, after staging (soaked 1h)',
    );

    await page.goto(`${example.gantry.url}/projects/frontend/stages/nope`);
    await expect.poll(() => page.locator('.empty').innerText()).toContain('No Stage nope');
  });

  it("opens a Freight's page by its alias: artifacts, where it has been, who approved it, and the diff against the one before", async () => {
    await page.goto(`${example.gantry.url}/projects/frontend`);
    await page.getByTestId(`freight-${v2.alias!}`).getByRole('link', { name: v2.alias! }).click();
    expect(new URL(page.url()).pathname).toBe(`/projects/frontend/freight/${v2.metadata.name}`);
    await expect.poll(() => page.locator('.page-head').innerText()).toContain(v2.alias!);
    const artifacts = await page
      .getByTestId('freight-artifacts')
      .locator('tbody td')
      .allInnerTexts();
    expect(artifacts.slice(0, 3)).toEqual([
      'image',
      `${example.registry.host}/acme/frontend`,
      '1.2.2',
    ]);
    expect(artifacts[3]).toBe(v2.images![0]!.digest!);

    // Running in every Stage, each by its own Promotion; approved for prod by the admin.
    const journey = page.getByTestId('freight-journey');
    await expect.poll(() => journey.locator('tbody tr').count()).toBe(3);
    for (const stage of ['dev', 'staging', 'prod'])
      expect(await page.getByTestId(`journey-${stage}`).innerText(), stage).toMatch(
        /running[\s\S]*Succeeded/,
      );
    expect(await page.getByTestId('journey-dev').innerText()).toContain('✓');
    expect(await page.getByTestId('journey-dev').innerText()).toContain('by system:auto-promotion');
    await expect.poll(() => page.getByTestId('journey-prod').innerText()).toContain(`★`);
    await expect
      .poll(() => page.getByTestId('journey-prod').innerText())
      .toContain(`by ${adminActor}`);

    // The diff against 1.2.1, the Freight before it from the same Warehouse.
    expect(await page.getByTestId('compare-with').inputValue()).toBe(v1.metadata.name);
    const diff = page.getByTestId('freight-diff');
    expect(await diff.locator('thead th').allInnerTexts()).toEqual([
      '',
      'Artifact',
      v1.alias,
      v2.alias,
    ]);
    const changed = await diff.getByTestId('diff-changed').locator('td').allInnerTexts();
    expect(changed[2]).toContain('1.2.1');
    expect(changed[3]).toContain('1.2.2');
    expect(await page.getByTestId('freight-diff-summary').innerText()).toBe(
      '1 of 1 artifact changed.',
    );
    await shot('freight-page');

    // The same page by name, and an unknown one.
    await page.goto(`${example.gantry.url}/projects/frontend/freight/${v1.alias!}`);
    await expect.poll(() => page.getByTestId('freight-journey').innerText()).toContain('dev');
    expect(await page.getByTestId('journey-prod').innerText()).not.toContain('running');
    await page.goto(`${example.gantry.url}/projects/frontend/freight/no-such-freight`);
    await expect
      .poll(() => page.locator('.empty').innerText())
      .toContain('No Freight no-such-freight');
  });

  it('compares a choice in the promote dialog with what the Stage runs now', async () => {
    await page.goto(`${example.gantry.url}/projects/frontend`);
    await page.getByTestId('stage-prod').getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByTestId('promote-dialog');
    const choice = dialog.locator('li').filter({ hasText: 'frontend:1.2.1' });
    await expect.poll(() => choice.isVisible()).toBe(true);
    // prod runs 1.2.2: no link to compare it with itself.
    expect(
      await dialog
        .locator('li')
        .filter({ hasText: 'frontend:1.2.2' })
        .getByRole('link', { name: 'compare with current' })
        .count(),
    ).toBe(0);
    await choice.getByRole('link', { name: 'compare with current' }).click();
    await expect
      .poll(() => new URL(page.url()).pathname)
      .toBe(`/projects/frontend/freight/${v1.metadata.name}`);
    expect(new URL(page.url()).searchParams.get('compare')).toBe(v2.metadata.name);
    const diff = page.getByTestId('freight-diff');
    await expect
      .poll(() => diff.locator('thead th').allInnerTexts())
      .toEqual(['', 'Artifact', v2.alias, v1.alias]);
    const changed = await diff.getByTestId('diff-changed').locator('td').allInnerTexts();
    expect(changed[2]).toContain('1.2.2');
    expect(changed[3]).toContain('1.2.1');
    await shot('freight-compare');

    // Picking another Freight keeps it in the address.
    await page.getByTestId('compare-with').selectOption(v2.metadata.name);
    expect(new URL(page.url()).searchParams.get('compare')).toBe(v2.metadata.name);

    // The system's dark setting: the tables follow the theme's colours.
    const background = () =>
      diff.evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor as string);
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).not.toBe(light);
    await shot('dark-freight-compare');
    await page.goto(`${example.gantry.url}/projects/frontend/stages/dev`);
    await expect.poll(() => page.getByTestId('stage-verification').count()).toBeGreaterThan(0);
    await shot('dark-stage-page');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
