import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../config.js';
import { createForgeConnector } from './forge-connector.js';
import { forgeHostFor, loadForgeHosts } from './forge-hosts.js';
import type { ForgeOptions, GitForge } from './forge.js';

describe("the operator's Git hosts (--forge-config)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-forge-hosts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads hosts, and picks the longest matching prefix at a path boundary', () => {
    const hosts = loadForgeHosts(
      file(
        'ok.yaml',
        `hosts:
- url: https://code.example.com/
  provider: gitlab
  apiURL: https://code.example.com/api/v4/
- url: https://code.example.com/mirrors
  provider: gitea
`,
      ),
    );
    expect(hosts).toEqual([
      {
        url: 'https://code.example.com',
        provider: 'gitlab',
        apiUrl: 'https://code.example.com/api/v4',
        insecureSkipTLSVerify: false,
      },
      {
        url: 'https://code.example.com/mirrors',
        provider: 'gitea',
        apiUrl: undefined,
        insecureSkipTLSVerify: false,
      },
    ]);
    expect(forgeHostFor(hosts, 'https://code.example.com/team/app.git')?.provider).toBe('gitlab');
    expect(forgeHostFor(hosts, 'https://Code.Example.com/mirrors/app.git')?.provider).toBe('gitea');
    // A prefix matches whole path segments only.
    expect(forgeHostFor(hosts, 'https://code.example.com/mirrors-old/app')?.provider).toBe(
      'gitlab',
    );
    expect(forgeHostFor(hosts, 'https://elsewhere.example.com/a/b')).toBeUndefined();
  });

  it.each([
    ['no file', undefined, '--forge-config <file>: cannot read it (ENOENT)'],
    ['not YAML', 'hosts: [', 'not valid YAML'],
    [
      'an unknown provider',
      'hosts:\n- {url: https://a.example, provider: gogs}\n',
      'hosts[0].provider: must be one of azure, bitbucket, gitea, github, gitlab',
    ],
    [
      'a URL without scheme',
      'hosts:\n- {url: a.example, provider: github}\n',
      'hosts[0].url: must be an http(s):// URL',
    ],
    [
      'an unknown field',
      'hosts:\n- {url: https://a.example, provider: github, token: x}\n',
      'token',
    ],
  ])('refuses %s, naming the file and the field', (_, text, message) => {
    const path = text === undefined ? join(dir, 'missing.yaml') : file(`bad-${_}.yaml`, text);
    expect(() => loadForgeHosts(path)).toThrow(message.replace('<file>', path));
  });

  it('hands the host its API address, and a step naming another provider none', () => {
    const seen: ForgeOptions[] = [];
    const adapter = (options: ForgeOptions): GitForge => {
      seen.push(options);
      return {} as GitForge;
    };
    const connector = createForgeConnector({
      hosts: [
        {
          url: 'https://git.example.com',
          provider: 'github',
          apiUrl: 'https://git.example.com/api/v3',
          insecureSkipTLSVerify: true,
        },
      ],
      adapters: { github: adapter, gitea: adapter },
    });
    connector.open('https://git.example.com/acme/app.git', { token: 't' });
    connector.open('https://git.example.com/acme/app.git', { provider: 'gitea' });
    expect(seen.map((o) => [o.apiBaseUrl, o.insecureSkipTLSVerify, o.token])).toEqual([
      ['https://git.example.com/api/v3', true, 't'],
      [undefined, true, undefined],
    ]);
  });

  it('is a server setting, with --github-push-verify-commits beside it', () => {
    const path = file(
      'server.yaml',
      'hosts:\n- {url: https://git.example.com, provider: github}\n',
    );
    const config = resolveServerConfig({ forgeConfig: path, githubPushVerifyCommits: true }, {});
    expect(config.forgeHosts.map((h) => h.provider)).toEqual(['github']);
    expect(config.githubPushVerifyCommits).toBe(true);
    const fromEnv = resolveServerConfig({}, { GANTRY_GITHUB_PUSH_VERIFY_COMMITS: 'true' });
    expect([fromEnv.githubPushVerifyCommits, fromEnv.forgeHosts]).toEqual([true, []]);
    expect(resolveServerConfig({}, {}).githubPushVerifyCommits).toBe(false);
  });
});
