import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthEndpoint, type HealthEndpoint } from './health-endpoint.js';
import { startGitHttpServer } from './git-http-server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('the health endpoint', () => {
  let health: HealthEndpoint;
  const get = async () => await (await fetch(`${health.url}/healthz`)).json();
  const put = (body: string) => fetch(`${health.url}/healthz`, { method: 'PUT', body });

  beforeAll(async () => {
    health = await startHealthEndpoint({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => health.stop());

  it('answers ok, degraded once broken, ok once fixed', async () => {
    expect(await get()).toEqual({ status: 'ok' });
    expect((await put('{"status":"degraded"}')).status).toBe(200);
    expect(await get()).toEqual({ status: 'degraded' });
    expect(health.status).toBe('degraded');
    expect((await put('{"status":"ok"}')).status).toBe(200);
    expect(await get()).toEqual({ status: 'ok' });
  });

  it.each(['', 'nope', '{"status":"broken"}'])('refuses %j and changes nothing', async (body) => {
    const response = await put(body);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/\{"status":"ok"\} or \{"status":"degraded"\}/);
    expect(await get()).toEqual({ status: 'ok' });
  });

  it('a taken port is an error naming the component and the port', async () => {
    const port = new URL(health.url).port;
    await expect(startHealthEndpoint({ host: '127.0.0.1', port: Number(port) })).rejects.toThrow(
      `the health endpoint cannot listen on 127.0.0.1:${port}: the port is in use`,
    );
    const root = mkdtempSync(join(tmpdir(), 'gantry-git-http-'));
    try {
      await expect(
        startGitHttpServer({ root, host: '127.0.0.1', port: Number(port) }),
      ).rejects.toThrow(`the git server cannot listen on 127.0.0.1:${port}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
