import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from './chromium.js';
import { startExampleProject, type ExampleProject } from './example-project.js';
import { ROOT } from './gantry-process.js';

const SHOTS = join(ROOT, 'test-artifacts', 'ui');

/**
 * The web UI in Chromium against a real server running the example project (real registry,
 * git over HTTP, the Argo CD double): the pipeline renders, Freight and Stage cards follow the
 * watch stream, a promotion made in the UI (with its availability reason, approval and plan)
 * pushes the commit, the promotion page shows its steps and logs, and the plain states show.
 * Screenshots go to test-artifacts/ui/.
 */
describe('the web UI', () => {
  let example: ExampleProject;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const card = (stage: string, target: Page = page) => target.getByTestId(`stage-${stage}-freight`);

  beforeAll(async () => {
    ensureUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    example = await startExampleProject();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('lists projects with their health and opens the pipeline', async () => {
    await page.goto(example.gantry.url);
    await expect.poll(() => page.getByTestId('project-frontend').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('project-frontend').innerText()).toContain('3 stages');
    await shot('projects');
    await page.getByRole('link', { name: 'frontend', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/projects/frontend');
    for (const id of ['warehouse-frontend', 'stage-dev', 'stage-staging', 'stage-prod'])
      await expect.poll(() => page.getByTestId(id).isVisible(), { message: id }).toBe(true);
    // The 1.2.1 found at start reaches dev on its own; the card follows.
    await expect
      .poll(() => card('dev').innerText(), { timeout: 20_000 })
      .toContain('frontend:1.2.1');
    await shot('pipeline');
  });

  it('follows new Freight and auto-promotions live, without reloading', async () => {
    await example.push('1.2.2');
    await expect
      .poll(() => page.getByTestId('freight-timeline').innerText(), { timeout: 10_000 })
      .toContain('frontend:1.2.2');
    await expect
      .poll(() => card('dev').innerText(), { timeout: 20_000 })
      .toContain('frontend:1.2.2');
    await expect
      .poll(() => card('staging').innerText(), { timeout: 30_000 })
      .toContain('frontend:1.2.2');
    await expect.poll(() => page.getByTestId('stage-dev').innerText()).toContain('Healthy');
    // Its Argo CD app, linked to Argo CD's UI.
    expect(
      await page
        .getByTestId('stage-dev')
        .getByRole('link', { name: 'argocd/frontend-dev ↗' })
        .getAttribute('href'),
    ).toBe(`${example.argocd.url}/applications/argocd/frontend-dev`);
    await shot('pipeline-live');
  });

  it('shows why Freight is not available, then approves, plans and promotes it to prod', async () => {
    const watcher = await context.newPage();
    await watcher.goto(`${example.gantry.url}/projects/frontend`);
    await expect.poll(() => watcher.getByTestId('stage-prod').isVisible()).toBe(true);
    expect(await card('prod', watcher).innerText()).toContain('no Freight yet');

    await page.getByTestId('stage-prod').getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByTestId('promote-dialog');
    await expect.poll(() => dialog.getByText('frontend:1.2.2').isVisible()).toBe(true);
    await dialog.getByRole('radio').first().check();
    await expect
      .poll(() => dialog.getByTestId('unavailable-reason').innerText())
      .toMatch(/^Not available to prod: soaking in staging: \d+s of 1h/);
    await shot('promote-unavailable');
    expect(await dialog.getByRole('button', { name: 'Promote', exact: true }).isDisabled()).toBe(
      true,
    );

    await dialog.getByRole('button', { name: 'Approve for prod' }).click();
    await expect.poll(() => dialog.getByTestId('unavailable-reason').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Show plan' }).click();
    await expect
      .poll(() => dialog.getByTestId('plan-diff').innerText(), { timeout: 20_000 })
      .toMatch(/-\s+tag: '1\.2\.1'[\s\S]*\+\s+tag: '1\.2\.2'/);
    expect(example.gitTag('production')).toBe('1.2.1'); // the plan pushed nothing
    await shot('promote-plan');

    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    await expect
      .poll(() => new URL(page.url()).pathname)
      .toMatch(/^\/projects\/frontend\/promotions\/prod\./);
    await expect
      .poll(() => page.locator('.page-head').innerText(), { timeout: 30_000 })
      .toContain('Succeeded');
    expect(example.gitTag('production')).toBe('1.2.2');
    // Every step is listed, each Succeeded; the steps that log show their lines.
    const steps = page.getByTestId('steps').locator('.step');
    expect(await steps.count()).toBe(6);
    expect(await page.getByTestId('steps').locator('.step-succeeded').count()).toBe(6);
    expect(await steps.locator('code').allInnerTexts()).toEqual([
      'git-clone',
      'yaml-parse',
      'yaml-update',
      'git-commit',
      'git-push',
      'argocd-update',
    ]);
    await expect
      .poll(() => page.getByTestId('step-log').allInnerTexts())
      .toEqual(expect.arrayContaining([expect.stringContaining('pushed')]));
    await shot('promotion');

    // The other tab saw the prod card change without a reload.
    await expect
      .poll(() => card('prod', watcher).innerText(), { timeout: 10_000 })
      .toContain('frontend:1.2.2');
    await shot('pipeline-after-promotion', watcher);
    await watcher.close();
  });

  it('shows a failed step with its error on the promotion page', async () => {
    // prod's Argo CD app no longer authorizes the Stage: the argocd-update step must refuse.
    const app = example.argocd.app('frontend-prod')!;
    const annotations = app.metadata.annotations;
    example.argocd.addApp({ ...app, metadata: { ...app.metadata, annotations: {} } });
    await page.goto(`${example.gantry.url}/projects/frontend`);
    await page.getByTestId('stage-prod').getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByTestId('promote-dialog');
    await expect.poll(() => dialog.getByText('frontend:1.2.1').isVisible()).toBe(true);
    await dialog.getByText('frontend:1.2.1').click();
    await dialog.getByRole('button', { name: 'Approve for prod' }).click();
    await expect.poll(() => dialog.getByTestId('unavailable-reason').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    await expect
      .poll(() => page.locator('.page-head').innerText(), { timeout: 30_000 })
      .toContain('Errored');
    const error = await page.getByTestId('step-error').innerText();
    expect(error).toContain(
      'Application argocd/frontend-prod is not authorized for Stage frontend:prod',
    );
    await shot('promotion-failed');
    example.argocd.addApp({ ...app, metadata: { ...app.metadata, annotations } });
  });

  it('promotes by dragging Freight onto a Stage, and has the buttons a pipeline needs', async () => {
    await page.goto(`${example.gantry.url}/projects/frontend`);
    page.on('dialog', (dialog) => void dialog.accept('release weekend'));
    // Drag: the dialog opens for that Stage with that Freight picked.
    const chip = page.locator('.freight-chip').filter({ hasText: 'frontend:1.2.1' });
    await chip.dragTo(page.getByTestId('stage-staging'));
    const dialog = page.getByTestId('promote-dialog');
    await expect.poll(() => dialog.getByRole('heading').innerText()).toBe('Promote to staging');
    expect(await dialog.getByRole('radio', { checked: true }).locator('..').innerText()).toContain(
      'frontend:1.2.1',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Freeze and unfreeze the project.
    await page.getByRole('button', { name: 'Freeze' }).click();
    await expect
      .poll(() => page.locator('.page-head').innerText())
      .toContain('FROZEN: release weekend');
    expect(await page.getByTestId('stage-dev').innerText()).toContain('frozen');
    await shot('frozen');
    await page.getByRole('button', { name: 'Unfreeze' }).click();
    await expect.poll(() => page.locator('.page-head').innerText()).not.toContain('FROZEN');

    // 1.2.3 goes through dev to staging; rolling staging back returns it to 1.2.2 and holds
    // it, and Resume lifts the hold.
    await example.push('1.2.3');
    await expect
      .poll(() => card('staging').innerText(), { timeout: 30_000 })
      .toContain('frontend:1.2.3');
    const staging = page.getByTestId('stage-staging');
    await staging.getByRole('button', { name: 'Rollback' }).click();
    await expect
      .poll(() => page.locator('.banner').innerText())
      .toMatch(/^rollback staging\.\S+ created$/);
    await expect.poll(() => staging.innerText(), { timeout: 20_000 }).toContain('held');
    await expect
      .poll(() => card('staging').innerText(), { timeout: 20_000 })
      .toContain('frontend:1.2.2');
    await shot('rolled-back');
    await staging.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => staging.innerText()).not.toContain('held');

    // Verify again, and discover now.
    await page.getByTestId('stage-dev').getByRole('button', { name: 'Verify' }).click();
    await expect
      .poll(() => page.getByTestId('action-done').innerText())
      .toBe('verification of dev started');
    await page.getByTestId('warehouse-frontend').getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByTestId('action-done').innerText()).toBe('frontend refreshed');
  });

  it('shows a failed verification on the Stage card', async () => {
    example.healthy = false;
    try {
      await example.push('1.2.4');
      await expect
        .poll(() => page.getByTestId('stage-dev').innerText(), { timeout: 30_000 })
        .toContain('verification Failed');
      expect(await page.getByTestId('stage-dev-problem').innerText()).toMatch(
        /^verification Failed: /,
      );
      await shot('verification-failed');
    } finally {
      example.healthy = true;
    }
  });

  it('says when the connection is lost, and recovers after the server restarts', async () => {
    await page.goto(`${example.gantry.url}/projects/frontend`);
    await expect.poll(() => page.getByTestId('stage-dev').isVisible()).toBe(true);
    const restarted = example.restart();
    await expect
      .poll(() => page.getByTestId('connection-lost').isVisible(), { timeout: 10_000 })
      .toBe(true);
    await shot('connection-lost');
    await restarted;
    await expect
      .poll(() => page.getByTestId('connection-lost').count(), { timeout: 15_000 })
      .toBe(0);
    // Live again: a change made meanwhile shows up.
    await example.push('1.2.5');
    await expect
      .poll(() => page.getByTestId('freight-timeline').innerText(), { timeout: 15_000 })
      .toContain('frontend:1.2.5');
  });

  it('has plain states for an empty project and an unreachable server', async () => {
    expect((await example.cli(['create', 'project', 'empty'])).code).toBe(0);
    await page.goto(`${example.gantry.url}/projects/empty`);
    await expect.poll(() => page.getByTestId('empty-project').isVisible()).toBe(true);
    await shot('empty-project');

    const offline = await context.newPage();
    await offline.route('**/v1/**', (route) => route.abort());
    await offline.goto(`${example.gantry.url}/projects/frontend`);
    await expect
      .poll(() => offline.getByTestId('connection-lost').innerText())
      .toContain('Cannot reach the Gantry server');
    await shot('unreachable', offline);
    await offline.close();
  });
});
