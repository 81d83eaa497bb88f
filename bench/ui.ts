/**
 * Web UI benchmarks (docs/benchmarks.md), in Debian's Chromium against a real server with a
 * project of 50 Stages (10 pipelines of 5) and 500 Freight:
 *   - the project page, from navigation to interactive (all 50 Stage cards and 500 Freight
 *     drawn, and a click on Promote answered with its dialog): < 1.5 s;
 *   - a watch event (a Stage's status written to the store) → the Stage card shows it:
 *     < 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry } from '../src/main.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureUiBuilt } from '../test/chromium.js';
import { figures, median } from './figures.js';
import { refusedAddress } from '../test/refused-address.js';

const api = 'kargo.akuity.io/v1alpha1';
const { report, print } = figures({ figure: 60, value: 26 });
const STAGES = ['dev', 'qa', 'perf', 'staging', 'prod'];
/** The image registry every Warehouse here names: loopback, refusing (nothing leaves the machine). */
const refused = await refusedAddress();
const REGISTRY = refused.host;

ensureUiBuilt();
const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-ui-'));
const gantry = await startGantry(
  resolveServerConfig({ port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' }, {}),
  silentLogger,
);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
});
try {
  const documents: unknown[] = [{ apiVersion: api, kind: 'Project', metadata: { name: 'big' } }];
  for (let p = 0; p < 10; p++) {
    documents.push({
      apiVersion: api,
      kind: 'Warehouse',
      metadata: { name: `app${p}`, namespace: 'big' },
      spec: {
        freightCreationPolicy: 'Manual',
        subscriptions: [{ image: { repoURL: `${REGISTRY}/acme/app${p}` } }],
      },
    });
    for (let f = 0; f < 50; f++)
      documents.push({
        apiVersion: api,
        kind: 'Freight',
        metadata: { name: `f${p}-${f}`, namespace: 'big' },
        origin: { kind: 'Warehouse', name: `app${p}` },
        images: [
          { repoURL: `${REGISTRY}/acme/app${p}`, tag: `1.0.${f}`, digest: `sha256:${p}${f}` },
        ],
      });
    STAGES.forEach((name, i) =>
      documents.push({
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: `${name}-${p}`, namespace: 'big' },
        spec: {
          requestedFreight: [
            {
              origin: { kind: 'Warehouse', name: `app${p}` },
              sources: i === 0 ? { direct: true } : { stages: [`${STAGES[i - 1]}-${p}`] },
            },
          ],
          promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: {} }] } },
        },
      }),
    );
  }
  // Made-up images: force skips the registry check hand-made Freight gets.
  const response = await fetch(`${gantry.url}/v1/resources?force=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gantry.adminToken}` },
    body: JSON.stringify({ items: documents }),
  });
  if (!response.ok) throw new Error(`could not create the project: ${await response.text()}`);
  const freight = (await gantry.store.list('Freight', { namespace: 'big' })).items;
  const runningIn = (stage: string, version: number) => {
    const p = stage.split('-')[1]!;
    const item = freight.find((f) =>
      (f as { images?: Array<{ tag?: string; repoURL?: string }> }).images?.some(
        (i) => i.repoURL === `${REGISTRY}/acme/app${p}` && i.tag === `1.0.${version}`,
      ),
    )!;
    return {
      freightHistory: [
        {
          id: `c${version}`,
          items: {
            [`Warehouse/app${p}`]: {
              name: item.metadata.name,
              origin: { kind: 'Warehouse', name: `app${p}` },
              images: [{ repoURL: `${REGISTRY}/acme/app${p}`, tag: `1.0.${version}` }],
            },
          },
          verificationHistory: [{ id: 'v', phase: 'Successful' }],
        },
      ],
      health: { status: 'Healthy' },
      autoPromotionEnabled: true,
    };
  };
  await gantry.store.write(
    Array.from({ length: 10 }, (_, p) =>
      STAGES.map((name, i) => ({
        op: 'updateStatus' as const,
        key: { kind: 'Stage', namespace: 'big', name: `${name}-${p}` },
        status: runningIn(`${name}-${p}`, 40 - i * 5),
      })),
    ).flat(),
  );

  const url = `${gantry.url}/projects/big`;
  // Signed in as the initial admin, as the sign-in page would: the session cookie is the
  // context's, so every page below has it.
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const signedIn = await context.request.post(`${gantry.url}/v1/auth/login`, {
    data: { token: gantry.adminToken },
  });
  if (!signedIn.ok()) throw new Error(`could not sign in: ${await signedIn.text()}`);
  const interactive: number[] = [];
  for (let run = 0; run < 6; run++) {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(url);
    await page.getByTestId('stage-prod-9').waitFor();
    await page.locator('.freight-chip').nth(499).waitFor({ state: 'attached' });
    await page.getByTestId('stage-prod-9').getByRole('button', { name: 'Promote…' }).click();
    await page.getByTestId('promote-dialog').waitFor();
    if (run > 0) interactive.push(performance.now() - started); // the first run warms the browser
    await page.close();
  }
  report(
    '500 Freight, 50 Stages: project page interactive, median of 5',
    `${median(interactive).toFixed(0)} ms`,
    '< 1.5 s',
    median(interactive) < 1_500,
  );

  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('stage-dev-3-freight').waitFor();
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const version = 41 + (i % 9);
    // The observer is in place before the write (the evaluate returns once it is).
    await page.evaluate((text) => {
      // Runs in the page; this file is compiled without the DOM's types.
      const page = globalThis as any;
      const target = page.document.querySelector('[data-testid="stage-dev-3-freight"]');
      page.seen = new Promise<number>((resolve) => {
        const observer = new page.MutationObserver(() => {
          if (target.querySelector('.versions')?.textContent === text) {
            observer.disconnect();
            resolve(Date.now());
          }
        });
        observer.observe(target, { subtree: true, childList: true, characterData: true });
      });
    }, `app3:1.0.${version}`);
    const written = Date.now();
    await gantry.store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'big', name: 'dev-3' },
        status: runningIn('dev-3', version),
      },
    ]);
    const seen = page.evaluate(() => (globalThis as any).seen as Promise<number>);
    latencies.push((await seen) - written);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  latencies.sort((a, b) => a - b);
  report(
    'watch event → Stage card updated, p50 of 20',
    `${median(latencies).toFixed(0)} ms`,
    '< 100 ms',
    median(latencies) < 100,
  );
  report('  p95', `${latencies[18]!.toFixed(0)} ms`, '', true);
} finally {
  await browser.close();
  await gantry.stop();
  rmSync(dir, { recursive: true, force: true });
  await refused.close();
}
print('Web UI');
