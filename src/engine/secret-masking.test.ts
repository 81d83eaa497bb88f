import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import { SecretSet } from '../api/secret-set.js';
import { RepositoryCache } from '../git/repository-cache.js';
import { BUILTIN_STEPS } from '../steps/index.js';
import { runPromotion, type PromotionWork, type RunnerDeps } from './promotion-runner.js';
import { defineStep } from './step.js';
import { terminalError } from './step-error.js';

const SECRET = 'Tk-9f8$e/7+never shown';
const GIT_PASSWORD = 'git-pass-0123';
const ARGOCD_TOKEN = 'argocd-token-xyz';
const FORMS = (value: string) => [
  value,
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('base64url'),
  encodeURIComponent(value),
];

/** A step that leaks what it can: the repository password in its log, output and error. */
const leakyStep = defineStep({
  kind: 'leaky',
  description: 'test step',
  configSchema: z.strictObject({ url: z.string() }),
  capabilities: ['credentials'],
  async run(context, config) {
    const credentials = await context.credentialsFor(config.url);
    context.log(`cloning https://${credentials?.username}:${credentials?.password}@h/r.git`);
    context.log(`argocd token ${ARGOCD_TOKEN}`);
    throw terminalError(
      `authentication failed for ${credentials?.password} (basic ${Buffer.from(`${credentials?.username}:${credentials?.password}`).toString('base64')})`,
    );
  },
});

/**
 * Echoes what an http step sends (its Authorization header, its query): the real http step
 * runs under the operator's outbound policy, so it is exercised end to end through the server
 * (test/secret-masking-e2e.test.ts); here only what the runner does with the echo matters.
 */
const echoStep = defineStep({
  kind: 'echo',
  description: 'test step',
  configSchema: z.strictObject({
    headers: z.array(z.strictObject({ name: z.string(), value: z.string() })),
    query: z.string(),
  }),
  capabilities: [],
  run(context, config) {
    const url = `/hook?q=${encodeURIComponent(config.query)}`;
    context.log(`GET ${url}`);
    return Promise.resolve({
      status: 'Succeeded',
      output: { header: config.headers[0]?.value, url },
    });
  },
});

/**
 * The runner masks at every boundary where data leaves it: each saved status, each log line,
 * metadata it writes, and the status it returns. Values come from secret() (directly and
 * through vars), repository credentials, and the server's own secrets (Argo CD tokens).
 */
describe('secret masking in the promotion runner', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-masking-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('masks secrets in saved statuses, logs, metadata and the result, not in what steps read', async () => {
    const read = "${{ secret('creds').token }}";
    const steps: PromotionStep[] = [
      {
        uses: 'compose-output',
        as: 'out',
        config: {
          token: read,
          fromVar: 'v=${{ vars.token }}',
          encoded: "${{ toBase64(secret('creds').token) }}",
        },
      },
      {
        uses: 'compose-output',
        as: 'check',
        config: { sameLength: `\${{ len(outputs.out.token) == ${SECRET.length} }}` },
      },
      {
        uses: 'set-metadata',
        config: { updates: [{ kind: 'Stage', name: 'dev', values: { token: read } }] },
      },
      {
        uses: 'echo',
        as: 'call',
        config: { headers: [{ name: 'Authorization', value: `Bearer ${read}` }], query: read },
      },
      {
        uses: 'copy',
        as: 'broken',
        continueOnError: true,
        config: { inPath: `./missing-${read}`, outPath: './x' },
      },
      {
        uses: 'leaky',
        as: 'leak',
        continueOnError: true,
        config: { url: 'https://git.example.com/r.git' },
      },
      { uses: 'fail', as: 'stop', config: { message: `giving up: ${read}` } },
    ];
    const work: PromotionWork = {
      name: 'dev.01jmask.abc1234',
      project: 'demo',
      stage: 'dev',
      vars: [{ name: 'token', value: read }],
      steps,
      freight: { name: 'abc1234', origin: { kind: 'Warehouse', name: 'w' } },
      freightCollection: [],
    };
    const logs: string[] = [];
    const metadata: unknown[] = [];
    const saved: PromotionStatus[] = [];
    const deps: RunnerDeps = {
      steps: new Map([...BUILTIN_STEPS, leakyStep, echoStep].map((s) => [s.kind, s])),
      repositories: new RepositoryCache(join(dir, 'data')),
      credentialsFor: () => Promise.resolve({ username: 'deploy', password: GIT_PASSWORD }),
      workRoot: join(dir, 'work'),
      now: () => new Date('2026-11-22T10:00:00Z'),
      log: (_p, alias, line) => logs.push(`${alias}: ${line}`),
      sleep: () => Promise.resolve(),
      knownSecrets: [ARGOCD_TOKEN],
      lookups: () =>
        Promise.resolve({
          freightMetadata: {},
          stageMetadata: {},
          secrets: { creds: { token: SECRET, repoURL: 'https://git.example.com/r.git' } },
        }),
      setMetadata: (_project, kind, name, values) => {
        metadata.push({ kind, name, values });
        return Promise.resolve();
      },
    };
    const secrets = new SecretSet();
    const result = await runPromotion(work, deps, {
      status: {},
      secrets,
      signal: new AbortController().signal,
      save: (status) => (saved.push(structuredClone(status)), Promise.resolve()),
    });

    expect(result.phase).toBe('Failed');
    expect(result.state).toMatchObject({
      out: { token: '***', fromVar: 'v=***', encoded: '***' },
      // Steps read the real value: only what leaves the runner is masked.
      check: { sameLength: true },
      call: { header: 'Bearer ***', url: '/hook?q=***' },
    });
    const metas = Object.fromEntries((result.stepExecutionMetadata ?? []).map((m) => [m.alias, m]));
    expect(metas.broken?.message).toContain('missing-***');
    expect(metas.leak?.message).toBe('authentication failed for *** (basic ***)');
    expect(result.message).toBe('step "stop": failed: giving up: ***');
    expect(metadata).toEqual([{ kind: 'Stage', name: 'dev', values: { token: '***' } }]);
    expect(logs).toContain('leak: cloning https://***@h/r.git');
    expect(logs).toContain('leak: argocd token ***');
    expect(logs).toContain('call: GET /hook?q=***');
    // The repository address in the Secret is not a secret: it is not masked.
    expect(secrets.maskText('https://git.example.com/r.git')).toBe('https://git.example.com/r.git');

    const everything = JSON.stringify({ result, saved, logs, metadata });
    for (const value of [SECRET, GIT_PASSWORD, ARGOCD_TOKEN])
      for (const form of FORMS(value)) expect(everything).not.toContain(form);
    expect(everything.match(/\*\*\*/g)!.length).toBeGreaterThan(20);
  });
});
