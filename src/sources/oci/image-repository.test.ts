import { describe, expect, it } from 'vitest';
import { parseImageRepository } from './image-repository.js';

describe('parseImageRepository', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'https://registry-1.docker.io'],
    ['bitnami/redis', 'docker.io', 'bitnami/redis', 'https://registry-1.docker.io'],
    ['docker.io/library/nginx', 'docker.io', 'library/nginx', 'https://registry-1.docker.io'],
    ['index.docker.io/acme/api', 'docker.io', 'acme/api', 'https://registry-1.docker.io'],
    ['ghcr.io/acme/api', 'ghcr.io', 'acme/api', 'https://ghcr.io'],
    ['127.0.0.1:5000/team/api', '127.0.0.1:5000', 'team/api', 'http://127.0.0.1:5000'],
    ['localhost:5000/api', 'localhost:5000', 'api', 'http://localhost:5000'],
    ['10.1.2.3/a/b', '10.1.2.3', 'a/b', 'http://10.1.2.3'],
    ['172.32.0.1/a', '172.32.0.1', 'a', 'https://172.32.0.1'],
    ['oci://ghcr.io/acme/charts/api', 'ghcr.io', 'acme/charts/api', 'https://ghcr.io'],
  ])('%s', (repoURL, registry, path, apiBase) => {
    expect(parseImageRepository(repoURL)).toEqual({ registry, path, apiBase });
  });
});
