import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { argoCdConfigFromEnv, loadArgoCdConfig } from './argocd-config.js';
import { resolveServerConfig } from './config.js';
import { isGantryError } from './errors.js';

describe('Argo CD server configuration', () => {
  let dir: string;
  const file = (text: string) => {
    const path = join(dir, 'argocd.yaml');
    writeFileSync(path, text);
    return path;
  };
  const failure = (run: () => unknown): string => {
    try {
      run();
    } catch (err) {
      if (isGantryError(err, 'Invalid')) return err.message;
      throw err;
    }
    throw new Error('expected a configuration error');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-argocd-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads several instances: API server with a token file or variable, and Kubernetes', () => {
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const path = file(
      [
        'instances:',
        '  - url: https://argocd.example.com',
        '    tokenFile: token',
        '  - name: prod',
        '    url: https://argocd.prod.example.com/',
        '    tokenEnv: PROD_TOKEN',
        '    namespace: gitops',
        '    insecureSkipTLSVerify: true',
        '  - name: edge',
        '    uiURL: https://argocd.edge.example.com',
        '    kubernetes:',
        '      kubeconfig: kube/edge.yaml',
        '      context: edge-1',
      ].join('\n'),
    );
    expect(loadArgoCdConfig(path, { PROD_TOKEN: 'env-token' })).toEqual([
      {
        name: 'default',
        namespace: 'argocd',
        kind: 'api',
        url: 'https://argocd.example.com',
        token: 'file-token',
        insecure: false,
      },
      {
        name: 'prod',
        namespace: 'gitops',
        kind: 'api',
        url: 'https://argocd.prod.example.com/',
        token: 'env-token',
        insecure: true,
      },
      {
        name: 'edge',
        namespace: 'argocd',
        kind: 'kubernetes',
        uiUrl: 'https://argocd.edge.example.com',
        kubeconfig: join(dir, 'kube/edge.yaml'),
        context: 'edge-1',
        inCluster: false,
      },
    ]);
  });

  it.each<[string, string, string]>([
    ['no instances', 'instances: []', 'instances: must have at least one item'],
    [
      'a URL without a token',
      'instances:\n  - url: https://a',
      'set exactly one of token, tokenFile and tokenEnv',
    ],
    [
      'a bad URL',
      'instances:\n  - url: argocd\n    token: t',
      'instances[0].url: must be an http(s):// URL',
    ],
    [
      'both kinds',
      'instances:\n  - url: https://a\n    token: t\n    kubernetes: {}',
      'set either kubernetes or url with a token, not both',
    ],
    [
      'a name used twice',
      'instances:\n  - token: t\n    url: https://a\n  - token: u\n    url: https://b',
      'instances[1].name: "default" is used twice',
    ],
    [
      'an unknown field',
      'instances:\n  - url: https://a\n    token: t\n    server: x',
      'instances[0].server: unknown field',
    ],
    [
      'a missing variable',
      'instances:\n  - url: https://a\n    tokenEnv: NOPE',
      'instances[0].tokenEnv: the variable NOPE is not set',
    ],
    [
      'a missing token file',
      'instances:\n  - url: https://a\n    tokenFile: nope',
      'instances[0].tokenFile: cannot read',
    ],
    ['YAML that does not parse', 'instances: [', 'not valid YAML'],
  ])('refuses %s, naming the file and field', (_, text, message) => {
    const path = file(text);
    const error = failure(() => loadArgoCdConfig(path, {}));
    expect(error).toContain(`--argocd-config ${path}: `);
    expect(error).toContain(message);
  });

  it('never puts a token in an error', () => {
    const path = file('instances:\n  - url: nope\n    token: s3cr3t-token');
    expect(failure(() => loadArgoCdConfig(path, {}))).not.toContain('s3cr3t-token');
  });

  it('takes one default instance from the environment', () => {
    expect(argoCdConfigFromEnv({})).toEqual([]);
    expect(
      argoCdConfigFromEnv({ GANTRY_ARGOCD_URL: 'https://argocd.local', GANTRY_ARGOCD_TOKEN: 't' }),
    ).toEqual([
      {
        name: 'default',
        namespace: 'argocd',
        kind: 'api',
        url: 'https://argocd.local',
        token: 't',
        insecure: false,
      },
    ]);
    expect(failure(() => argoCdConfigFromEnv({ GANTRY_ARGOCD_URL: 'https://argocd.local' }))).toBe(
      'GANTRY_ARGOCD_TOKEN: required with GANTRY_ARGOCD_URL',
    );
    expect(failure(() => argoCdConfigFromEnv({ GANTRY_ARGOCD_TOKEN: 'x' }))).toContain(
      'GANTRY_ARGOCD_URL: must be an http(s):// URL',
    );
  });

  it('is part of the server configuration, with the health interval', () => {
    const path = file('instances:\n  - url: https://a\n    token: t');
    const config = resolveServerConfig({ argocdConfig: path, healthInterval: '3s' }, {});
    expect(config.argocd.map((i) => i.name)).toEqual(['default']);
    expect(config.healthIntervalMs).toBe(3_000);
    expect(resolveServerConfig({}, {}).argocd).toEqual([]);
    expect(failure(() => resolveServerConfig({ healthInterval: '10ms' }, {}))).toContain(
      '--health-interval: must be a duration of at least 1s',
    );
  });
});
