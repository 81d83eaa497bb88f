import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startHelmRepository, type HelmRepository } from './helm-repository.js';

describe('helm repository', () => {
  let repository: HelmRepository;
  const authorization = `Basic ${Buffer.from('ci:pw').toString('base64')}`;

  beforeAll(async () => {
    repository = await startHelmRepository({ username: 'ci', password: 'pw' });
  });
  afterAll(async () => {
    await repository?.stop();
  });

  it('serves index.yaml and files to authenticated clients only', async () => {
    repository.setIndex({ app: [{ version: '1.0.0' }, { version: '1.1.0', urls: ['x/app.tgz'] }] });
    repository.setFile('/x/app.tgz', Buffer.from([1, 2, 3]));

    const index = parse(
      await (await fetch(`${repository.url}/index.yaml`, { headers: { authorization } })).text(),
    );
    expect(index.apiVersion).toBe('v1');
    expect(typeof index.generated).toBe('string');
    expect(index.entries.app).toEqual([
      {
        apiVersion: 'v2',
        name: 'app',
        version: '1.0.0',
        created: '2024-01-01T00:00:00.000Z',
        urls: ['app-1.0.0.tgz'],
      },
      {
        apiVersion: 'v2',
        name: 'app',
        version: '1.1.0',
        created: '2024-01-01T00:01:00.000Z',
        urls: ['x/app.tgz'],
      },
    ]);
    const file = await fetch(`${repository.url}/x/app.tgz`, { headers: { authorization } });
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([1, 2, 3]);

    const anonymous = await fetch(`${repository.url}/index.yaml`);
    await anonymous.text();
    expect(anonymous.status).toBe(401);
    const missing = await fetch(`${repository.url}/nope.tgz`, { headers: { authorization } });
    await missing.text();
    expect(missing.status).toBe(404);
    expect(repository.requests.map((request) => request.path)).toEqual([
      '/index.yaml',
      '/x/app.tgz',
      '/index.yaml',
      '/nope.tgz',
    ]);
  });
});
