import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from './chromium.js';
import { startExampleProject, type ExampleProject } from './example-project.js';
import { ROOT } from './gantry-process.js';

const SHOTS = join(ROOT, 'test-artifacts', 'ui');

/** Starts a browser session for `token` in `context`, as the sign-in page does. */
async function signIn(context: BrowserContext, url: string, token: string): Promise<void> {
  const answer = await context.request.post(`${url}/v1/auth/login`, { data: { token } });
  if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()} ${await answer.text()}`);
}

/**
 * The web UI in Chromium against a real server running the example project (real registry,
 * git over HTTP, the Argo CD double): signing in (the form, a wrong token, landing on the page
 * asked for, signing out, a session ending mid-use), the pipeline renders, Freight and Stage
 * cards follow the watch stream, a promotion made in the UI (with its availability reason,
 * approval and plan) pushes the commit and shows in the Activity panel, the promotion page
 * shows its steps and logs, a viewer sees no actions, a refusal says which role it takes, and
 * the plain states show. Screenshots go to test-artifacts/ui/.
 */
// Waits below are failure detectors sized for a busy machine (the pipeline verifies for real);
// each test may take minutes there, never seconds-tight.
describe('the web UI', { timeout: 300_000 }, () => {
  let example: ExampleProject;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The initial admin token (what `cat .gantry/initial-admin-token` shows), and its actor. */
  let adminToken: string;
  let adminActor: string;
  /** An API call made with the admin token. */
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
  /**
   * Clicks `button`, whose call finds the session gone, unless the page found out first (a watch
   * event reads the activity again, which can get there before the click).
   */
  const clickIntoSignIn = (target: Page, button: Locator) =>
    Promise.race([button.click(), target.getByTestId('session-ended').waitFor()]);
  /** A browser context of its own (no session), closed by the test that opens it. */
  const freshContext = async () => {
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    fresh.setDefaultTimeout(10_000);
    return fresh;
  };
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
    adminToken = example.gantry.adminToken!;
    adminActor = (await asAdmin('GET', '/v1/auth/whoami')).actor;
    // Most cases are signed in as the admin: through the API, which stores the session cookie
    // in the browser context (the sign-in form has cases of its own).
    context = await freshContext();
    await signIn(context, example.gantry.url, adminToken);
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
      .poll(() => card('dev').innerText(), { timeout: 90_000 })
      .toContain('frontend:1.2.1');
    await shot('pipeline');
  });

  it('asks a fresh browser to sign in, shows a wrong token refused as sent, and lands on the page asked for', async () => {
    const fresh = await freshContext();
    const signInPage = await fresh.newPage();
    await signInPage.goto(`${example.gantry.url}/projects/frontend`);
    await expect.poll(() => signInPage.getByTestId('sign-in').isVisible()).toBe(true);
    expect(new URL(signInPage.url()).pathname).toBe('/projects/frontend');
    expect(await signInPage.getByTestId('sso-sign-in').count()).toBe(0); // no SSO configured
    const field = signInPage.getByLabel('API token');
    expect(await field.getAttribute('type')).toBe('password');
    expect(await signInPage.getByTestId('sign-in').innerText()).toContain(
      'cat .gantry/initial-admin-token',
    );
    await shot('sign-in', signInPage);

    const wrong = 'gty_not-a-token-this-server-made';
    await field.fill(wrong);
    await signInPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    const refused = await fresh.request.post(`${example.gantry.url}/v1/auth/login`, {
      data: { token: wrong },
    });
    expect(refused.status()).toBe(401);
    const sent = ((await refused.json()) as { error: { message: string } }).error.message;
    await expect.poll(() => signInPage.getByTestId('sign-in-error').innerText()).toBe(sent);
    expect(await field.inputValue()).toBe(''); // the token is not kept
    await shot('sign-in-refused', signInPage);

    await field.fill(adminToken);
    await signInPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => signInPage.getByTestId('stage-dev').isVisible()).toBe(true);
    expect(new URL(signInPage.url()).pathname).toBe('/projects/frontend');
    const whoami = await signInPage.getByTestId('whoami').innerText();
    expect(whoami).toContain(adminActor);
    expect(whoami).toContain('admin, system-wide');
    // The session is the server's HttpOnly cookie: the page holds no credential.
    const held = await signInPage.evaluate(() => {
      // Runs in the page; this file is compiled without the DOM's types.
      const page = globalThis as any;
      return JSON.stringify([
        { ...page.localStorage },
        { ...page.sessionStorage },
        page.document.cookie,
      ]);
    });
    expect(held).not.toContain(adminToken);
    expect(held).not.toContain('gantry_session');
    await fresh.close();
  });

  it('signs out back to the sign-in page, and a session ended elsewhere returns there mid-use, keeping the page', async () => {
    const fresh = await freshContext();
    await signIn(fresh, example.gantry.url, adminToken);
    const working = await fresh.newPage();
    await working.goto(`${example.gantry.url}/projects/frontend`);
    await expect.poll(() => working.getByTestId('stage-dev').isVisible()).toBe(true);

    const other = await fresh.newPage();
    await other.goto(example.gantry.url);
    await expect.poll(() => other.getByTestId('project-frontend').isVisible()).toBe(true);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => other.getByTestId('sign-in').isVisible()).toBe(true);
    expect((await fresh.request.get(`${example.gantry.url}/v1/auth/whoami`)).status()).toBe(401);
    await other.reload();
    await expect.poll(() => other.getByTestId('sign-in').isVisible()).toBe(true);
    await shot('signed-out', other);

    // The first tab still shows the project; its next call finds no session.
    await clickIntoSignIn(
      working,
      working.getByTestId('warehouse-frontend').getByRole('button', { name: 'Refresh' }),
    );
    await expect.poll(() => working.getByTestId('session-ended').isVisible()).toBe(true);
    expect(await working.getByTestId('session-ended').innerText()).toMatch(
      /^You were signed out\. The server said: sign in first/,
    );
    expect(new URL(working.url()).pathname).toBe('/projects/frontend');
    expect(await working.getByTestId('whoami').count()).toBe(0);
    await shot('session-ended', working);
    await working.getByLabel('API token').fill(adminToken);
    await working.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => working.getByTestId('stage-dev').isVisible()).toBe(true);
    expect(new URL(working.url()).pathname).toBe('/projects/frontend');
    await fresh.close();
  });

  it('returns to the sign-in page, saying why, when the token a session was made with is revoked', async () => {
    const { token } = await asAdmin('POST', '/v1/projects/frontend/tokens', {
      name: 'temp',
      role: 'developer',
    });
    const fresh = await freshContext();
    await signIn(fresh, example.gantry.url, token);
    const temp = await fresh.newPage();
    await temp.goto(`${example.gantry.url}/projects/frontend`);
    await expect
      .poll(() => temp.getByTestId('whoami').innerText())
      .toContain('developer in frontend');
    await asAdmin('DELETE', '/v1/projects/frontend/tokens/temp');
    await clickIntoSignIn(
      temp,
      temp.getByTestId('stage-dev').getByRole('button', { name: 'Verify' }),
    );
    await expect
      .poll(() => temp.getByTestId('session-ended').innerText())
      .toContain('the API token this session was made with was revoked');
    expect(new URL(temp.url()).pathname).toBe('/projects/frontend');
    await fresh.close();
  });

  it('shows a viewer the pipeline and the activity with no action at all', async () => {
    const { token } = await asAdmin('POST', '/v1/projects/frontend/tokens', {
      name: 'v',
      role: 'viewer',
    });
    const fresh = await freshContext();
    await signIn(fresh, example.gantry.url, token);
    const viewer = await fresh.newPage();
    await viewer.goto(`${example.gantry.url}/projects/frontend`);
    await expect.poll(() => viewer.getByTestId('read-only').isVisible()).toBe(true);
    for (const id of ['warehouse-frontend', 'stage-dev', 'stage-staging', 'stage-prod'])
      expect(await viewer.getByTestId(id).isVisible(), id).toBe(true);
    await expect.poll(() => card('dev', viewer).innerText()).toContain('frontend:1.2.1');
    expect(await viewer.getByTestId('whoami').innerText()).toContain('token:frontend/v');
    expect(await viewer.getByTestId('whoami').innerText()).toContain('viewer in frontend');
    // No Promote, Verify, Rollback, Refresh, Freeze…: the only button is Sign out.
    expect(await viewer.getByRole('button').allInnerTexts()).toEqual(['Sign out']);
    // The audit trail is readable to a viewer.
    await expect.poll(() => viewer.getByTestId('activity-event').count()).toBeGreaterThan(0);
    await shot('viewer', viewer);
    // Freight cannot be dragged to promote either.
    const chip = viewer.locator('.freight-chip').first();
    expect(await chip.getAttribute('draggable')).toBe('false');
    await chip.dragTo(viewer.getByTestId('stage-staging'));
    expect(await viewer.getByTestId('promote-dialog').count()).toBe(0);
    await fresh.close();
  });

  it('says which role an action needs when the server refuses it, and hides what was taken away', async () => {
    const role = (rules: unknown[]) => ({
      apiVersion: 'rbac.kargo.akuity.io/v1alpha1',
      kind: 'Role',
      metadata: { name: 'verifier', namespace: 'frontend' },
      rules,
    });
    const read = {
      verbs: ['get', 'list', 'watch'],
      resources: ['stages', 'warehouses', 'freight', 'promotions', 'projectconfigs', 'events'],
    };
    await asAdmin(
      'PUT',
      '/v1/projects/frontend/roles/verifier',
      role([read, { verbs: ['promote'], resources: ['stages'] }]),
    );
    const { token } = await asAdmin('POST', '/v1/projects/frontend/tokens', {
      name: 'verifier',
      role: 'verifier',
    });
    const fresh = await freshContext();
    await signIn(fresh, example.gantry.url, token);
    const verifier = await fresh.newPage();
    await verifier.goto(`${example.gantry.url}/projects/frontend`);
    const dev = verifier.getByTestId('stage-dev');
    await expect.poll(() => dev.getByRole('button', { name: 'Verify' }).isVisible()).toBe(true);
    // Promoting also creates a Promotion, which this role does not allow: no Promote.
    expect(await dev.getByRole('button', { name: 'Promote…' }).count()).toBe(0);
    expect(await verifier.getByRole('button', { name: 'Freeze' }).count()).toBe(0);

    // The project's admin takes promoting away while the page is open.
    await asAdmin('PUT', '/v1/projects/frontend/roles/verifier', role([read]));
    await dev.getByRole('button', { name: 'Verify' }).click();
    await expect
      .poll(() => verifier.getByTestId('action-error').innerText())
      .toContain('token:frontend/verifier may not promote stages "dev" in project "frontend"');
    expect(await verifier.getByTestId('action-hint').innerText()).toBe(
      'You need the developer or admin role in project frontend; ask a project admin.',
    );
    // The page asked again what the caller may do: the button is gone.
    await expect.poll(() => verifier.getByRole('button', { name: 'Verify' }).count()).toBe(0);
    await shot('refused', verifier);
    await fresh.close();
  });

  it('follows new Freight and auto-promotions live, without reloading', async () => {
    await example.push('1.2.2');
    await expect
      .poll(() => page.getByTestId('freight-timeline').innerText(), { timeout: 90_000 })
      .toContain('frontend:1.2.2');
    await expect
      .poll(() => card('dev').innerText(), { timeout: 90_000 })
      .toContain('frontend:1.2.2');
    await expect
      .poll(() => card('staging').innerText(), { timeout: 90_000 })
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
      .poll(() => dialog.getByTestId('plan-diff').innerText(), { timeout: 90_000 })
      .toMatch(/-\s+tag: ['"]?1\.2\.1['"]?[\s\S]*\+\s+tag: ['"]?1\.2\.2/);
    expect(example.gitTag('production')).toBe('1.2.1'); // the plan pushed nothing
    await shot('promote-plan');

    await dialog.getByRole('button', { name: 'Promote', exact: true }).click();
    await expect
      .poll(() => new URL(page.url()).pathname)
      .toMatch(/^\/projects\/frontend\/promotions\/prod\./);
    await expect
      .poll(() => page.locator('.page-head').innerText(), { timeout: 90_000 })
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
      .poll(() => card('prod', watcher).innerText(), { timeout: 90_000 })
      .toContain('frontend:1.2.2');
    await shot('pipeline-after-promotion', watcher);
    // The other tab's Activity panel lists the promotion, made by the admin, without a reload.
    const promotion = new URL(page.url()).pathname.split('/').pop()!;
    const row = watcher.getByTestId('activity-event').filter({ hasText: `Promotion ${promotion}` });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1, 4)).toEqual([adminActor, 'promote', `Promotion ${promotion}`]);
    expect(cells[4]).toMatch(/^Freight \w+ to Stage prod$/);
    await watcher.getByTestId('activity').scrollIntoViewIfNeeded();
    await shot('activity', watcher);
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
      .poll(() => page.locator('.page-head').innerText(), { timeout: 90_000 })
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
      .poll(() => card('staging').innerText(), { timeout: 90_000 })
      .toContain('frontend:1.2.3');
    const staging = page.getByTestId('stage-staging');
    await staging.getByRole('button', { name: 'Rollback' }).click();
    await expect
      .poll(() => page.locator('.banner').innerText())
      .toMatch(/^rollback staging\.\S+ created$/);
    await expect.poll(() => staging.innerText(), { timeout: 90_000 }).toContain('held');
    await expect
      .poll(() => card('staging').innerText(), { timeout: 90_000 })
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
        .poll(() => page.getByTestId('stage-dev').innerText(), { timeout: 90_000 })
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
    // The page must notice while the server is down (however quickly it could come back).
    await example.restart(async () => {
      await expect
        .poll(() => page.getByTestId('connection-lost').isVisible(), { timeout: 90_000 })
        .toBe(true);
      await shot('connection-lost');
    });
    await expect
      .poll(() => page.getByTestId('connection-lost').count(), { timeout: 90_000 })
      .toBe(0);
    // Live again: a change made meanwhile shows up.
    await example.push('1.2.5');
    await expect
      .poll(() => page.getByTestId('freight-timeline').innerText(), { timeout: 90_000 })
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
