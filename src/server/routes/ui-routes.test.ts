import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUiRoutes } from './ui-routes.js';
import { Authorizer } from '../../auth/authorizer.js';
import { RouteGuard } from '../guarded-routes.js';

const guardOf = (app: Hono) =>
  new RouteGuard(app, new Authorizer({ roles: { roles: () => Promise.resolve([]) } }));

describe('the UI routes', () => {
  let dir: string;
  let app: Hono;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-ui-routes-'));
    mkdirSync(join(dir, 'ui', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Gantry</title>');
    writeFileSync(join(dir, 'ui', 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    app = new Hono();
    registerUiRoutes(guardOf(app), { uiDir: join(dir, 'ui') });
    app.get('/v1/projects', (c) => c.json({ items: [] }));
    app.notFound((c) => c.json({ error: { code: 'NotFound' } }, 404));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves files, with long caching for hashed assets only', async () => {
    const asset = await app.request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const page = await app.request('/');
    expect(await page.text()).toContain('<title>Gantry</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
  });

  it("answers the UI's own routes with its page, and leaves the API alone", async () => {
    expect(await (await app.request('/projects/shop/promotions/dev.1')).text()).toContain('Gantry');
    expect(await (await app.request('/v1/projects')).json()).toEqual({ items: [] });
    expect((await app.request('/v1/nope')).status).toBe(404);
    expect((await app.request('/healthz')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e/secret.txt',
  ])('never serves a file outside its directory: %s', async (path) => {
    const response = await app.request(path);
    expect(await response.text()).not.toContain('not for the web');
  });

  it('says how to build the UI when there is no build', async () => {
    const bare = new Hono();
    registerUiRoutes(guardOf(bare), { uiDir: join(dir, 'missing') });
    const response = await bare.request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
  });
});
