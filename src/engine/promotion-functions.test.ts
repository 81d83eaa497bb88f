import { describe, expect, it } from 'vitest';
import type { FreightReference } from '../api/common.js';
import { SecretSet } from '../api/secret-set.js';
import { evaluate } from '../expr/evaluator.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { promotionFunctions, type ProjectLookups } from './promotion-functions.js';

/**
 * What Kargo's own tests (./compat/kargo-functions.cases.ts) do not cover: the functions as
 * expressions call them, masking, origins, and the JSON form of Kargo's structs.
 */
const freight: FreightReference[] = [
  {
    name: 'f1',
    origin: { kind: 'Warehouse', name: 'api' },
    images: [{ repoURL: 'ghcr.io/acme/api', tag: '1.2.3', digest: 'sha256:aa' }],
    commits: [{ repoURL: 'https://github.com/acme/config.git', id: 'abc123', branch: 'main' }],
  },
  {
    name: 'f2',
    origin: { kind: 'Warehouse', name: 'web' },
    images: [{ repoURL: 'ghcr.io/acme/web', tag: '2.0.0' }],
    commits: [{ repoURL: 'https://github.com/acme/config.git', id: 'def456' }],
  },
];

const lookups: ProjectLookups = {
  freightMetadata: {},
  stageMetadata: {},
  secrets: { notify: { token: 'project-token' } },
  sharedSecrets: {
    slack: {
      data: { token: 'shared-generic-token' },
      labels: { 'kargo.akuity.io/cred-type': 'generic' },
    },
    hidden: { data: { token: 'shared-git-token' } },
  },
  repoCredentials: (url, type) =>
    type === 'git' && url.includes('acme')
      ? { username: 'bot', password: 'repo-password' }
      : undefined,
};

function run(source: string, secrets = new SecretSet()): unknown {
  return evaluate(parse(source), {
    variables: {},
    functions: {
      ...standardFunctions,
      ...promotionFunctions({ freight, lookups, steps: () => [], secrets }),
    },
  });
}

describe('promotion functions', () => {
  it("reads Kargo's structs by Go field names", () => {
    expect(run('imageFrom("ghcr.io/acme/api").Tag')).toBe('1.2.3');
    expect(run('warehouse("web").Name')).toBe('web');
    expect(run('imageFrom("ghcr.io/acme/nope")')).toBeNull();
  });

  it('writes them as JSON with their json tags, empty fields left out', () => {
    expect(JSON.stringify(run('warehouse("web")'))).toBe('{"kind":"Warehouse","name":"web"}');
    expect(String(run('imageFrom("ghcr.io/acme/web")'))).toBe(
      '{"repoURL":"ghcr.io/acme/web","tag":"2.0.0"}',
    );
  });

  it('names the Warehouse when a repository is in Freight from several', () => {
    expect(() => run('commitFrom("https://github.com/acme/config")')).toThrow(
      'commitFrom(): repository https://github.com/acme/config is in Freight from several Warehouses (api, web); name one with warehouse("…")',
    );
    expect(run('commitFrom("https://github.com/acme/config", warehouse("web")).ID')).toBe('def456');
    expect(run('imageFrom("ghcr.io/acme/api", warehouse("web"))')).toBeNull();
  });

  it('masks what secret(), sharedSecret() and repoCredentials() read', () => {
    const secrets = new SecretSet();
    expect(run("secret('notify').token", secrets)).toBe('project-token');
    expect(run("sharedSecret('slack').token", secrets)).toBe('shared-generic-token');
    expect(run("repoCredentials('https://github.com/acme/config.git', 'git')", secrets)).toEqual({
      username: 'bot',
      password: 'repo-password',
      sshPrivateKey: '',
    });
    expect(
      secrets.maskText('project-token shared-generic-token repo-password bot:repo-password'),
    ).toBe('*** *** *** ***');
  });

  it('shares only generic credentials through sharedSecret()', () => {
    const secrets = new SecretSet();
    expect(run("sharedSecret('hidden')", secrets)).toEqual({});
    expect(secrets.maskText('shared-git-token')).toBe('shared-git-token');
  });

  it('refuses secrets where they would be shown (no secrets in the lookups)', () => {
    const functions = promotionFunctions({
      freight,
      lookups: { freightMetadata: {}, stageMetadata: {} },
      steps: () => [],
    });
    const call = { column: 1, tick: () => undefined, grow: () => undefined };
    for (const name of ['secret', 'sharedSecret'])
      expect(() => functions[name]!(['x'], call)).toThrow('secrets are not readable here');
    expect(() => functions.repoCredentials!(['https://x', 'git'], call)).toThrow(
      'repoCredentials is not available in this context',
    );
  });

  it('reads stored metadata numbers as Go float64, as json.Unmarshal does', () => {
    const functions = promotionFunctions({
      freight,
      lookups: { freightMetadata: { f1: { count: 3, ratio: 0.5 } }, stageMetadata: {} },
      steps: () => [],
    });
    const call = { column: 1, tick: () => undefined, grow: () => undefined };
    const metadata = functions.freightMetadata!(['f1'], call) as Record<string, unknown>;
    expect(metadata.ratio).toBe(0.5);
    expect(metadata.count).toMatchObject({ value: 3 });
  });
});
