import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import type { CommandRunner } from './command-runner.js';
import { jobProvider, type JobMetric } from './job-provider.js';
import { localCommandRunner } from './local-command-runner.js';
import { noOutboundHttp } from '../outbound/outbound-http.js';
import type { MeasureContext } from './metric-provider.js';

type Container = {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
};

const job = (containers: Container[], spec: Record<string, unknown> = {}): JobMetric => ({
  spec: { backoffLimit: 0, ...spec, template: { spec: { containers, restartPolicy: 'Never' } } },
});
const sh = (script: string, extra: Partial<Container> = {}): Container => ({
  name: 'check',
  image: 'alpine:3',
  command: ['sh', '-c', script],
  ...extra,
});

describe('job provider', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-job-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const sleeps: number[] = [];
  const context = (overrides: Partial<MeasureContext> = {}): MeasureContext => ({
    signal: new AbortController().signal,
    now: () => new Date('2025-01-01T00:00:00Z'),
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    runCommand: localCommandRunner,
    http: noOutboundHttp,
    ...overrides,
  });
  const measure = (config: JobMetric, overrides?: Partial<MeasureContext>) =>
    jobProvider.prepare(config, 'm')(context(overrides));

  it('gives the standard output of a command that exits 0, and keeps its output as logs', async () => {
    const outcome = await measure(job([sh('echo healthy; echo warming up >&2')]));
    expect(outcome).toEqual({
      type: 'result',
      result: 'healthy',
      logs: expect.stringContaining('warming up') as string,
    });
  });

  it('fails with the last lines of standard error when a command exits non-zero', async () => {
    const outcome = await measure(
      job([sh('for i in 1 2 3 4 5 6 7; do echo "line $i" >&2; done; exit 3')]),
    );
    expect(outcome.type).toBe('failed');
    const message = outcome.type === 'failed' ? outcome.message : '';
    expect(message).toMatch(/^container "check" exited with code 3: line 3\nline 4/);
    expect(message).not.toContain('line 2');
  });

  it('passes env, expands $(VAR) as Kubernetes does, and keeps the server environment out', async () => {
    const outcome = await measure(
      job([
        {
          name: 'env',
          command: ['sh', '-c'],
          args: [`echo "$TARGET" '$(TARGET)' '$$(TARGET)'; env`],
          env: [
            { name: 'HOST', value: 'api' },
            { name: 'TARGET', value: 'http://$(HOST):8080' },
          ],
        },
      ]),
    );
    const stdout = outcome.type === 'result' ? String(outcome.result) : '';
    expect(stdout.split('\n')[0]).toBe('http://api:8080 http://api:8080 $(TARGET)');
    expect(stdout).toContain('HOST=api');
    expect(stdout).not.toContain('VITEST');
  });

  it('gives the process only PATH, a temporary HOME, LANG and its own env: no server secret', async () => {
    const server = {
      GANTRY_SECRETS_KEY: 'c2VjcmV0LWtleS1vZi10aGUtc2VydmVy',
      GANTRY_TOKEN: 'server-api-token',
      ARGOCD_AUTH_TOKEN: 'argocd-token',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
    };
    const saved = Object.fromEntries(Object.keys(server).map((key) => [key, process.env[key]]));
    Object.assign(process.env, server);
    let stdout = '';
    try {
      const outcome = await measure(
        job([{ name: 'env', command: ['env'], env: [{ name: 'DECLARED', value: 'yes' }] }]),
      );
      stdout = outcome.type === 'result' ? String(outcome.result) : JSON.stringify(outcome);
    } finally {
      for (const [key, value] of Object.entries(saved))
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
    const env = Object.fromEntries(
      stdout
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(env).sort()).toEqual(['DECLARED', 'HOME', 'LANG', 'PATH']);
    expect(env.HOME).not.toBe(process.env.HOME);
    expect(env.HOME?.startsWith(join(tmpdir(), 'gantry-job-'))).toBe(true);
    for (const secret of Object.values(server)) expect(stdout).not.toContain(secret);
  });

  it('runs containers one after the other in a fresh directory removed afterwards', async () => {
    const outcome = await measure(
      job([
        sh('pwd > where; echo one', { name: 'first' }),
        sh('cat where; echo two', { name: 'second' }),
      ]),
    );
    const [one, dir, two] = outcome.type === 'result' ? String(outcome.result).split('\n') : [];
    expect([one, two]).toEqual(['one', 'two']);
    expect(dir).toMatch(/gantry-job-/);
    expect(existsSync(dir!)).toBe(false);
    expect(outcome.logs).toContain('--- container second');
  });

  it('stops at the first container that fails', async () => {
    const outcome = await measure(
      job([sh('exit 1', { name: 'first' }), sh('echo should not run', { name: 'second' })]),
    );
    expect(outcome).toMatchObject({
      type: 'failed',
      message: 'container "first" exited with code 1',
    });
    expect(outcome.logs).not.toContain('should not run');
  });

  it('retries up to backoffLimit with Kubernetes backoff', async () => {
    const counter = join(scratch, 'attempts');
    const script =
      'n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNTER"; [ $n -ge 3 ]';
    const container = sh(script, { env: [{ name: 'COUNTER', value: counter }] });
    sleeps.length = 0;
    expect(await measure(job([container], { backoffLimit: 2 }))).toMatchObject({ type: 'result' });
    expect(sleeps).toEqual([10_000, 20_000]);

    rmSync(counter);
    const outcome = await measure(job([container], { backoffLimit: 1 }));
    expect(outcome).toMatchObject({
      type: 'failed',
      message: 'container "check" exited with code 1 (after 2 attempts)',
    });
  });

  it('fails when activeDeadlineSeconds passes, killing the process', async () => {
    const requests: number[] = [];
    const timingOut: CommandRunner = (request) => {
      requests.push(request.timeoutMs);
      return Promise.resolve({
        exitCode: null,
        signal: 'SIGKILL',
        timedOut: true,
        stdout: '',
        stderr: '',
        output: 'started\n',
      });
    };
    const outcome = await measure(job([sh('sleep 100')], { activeDeadlineSeconds: 30 }), {
      runCommand: timingOut,
    });
    expect(outcome).toEqual({
      type: 'failed',
      message: 'the job did not finish within activeDeadlineSeconds (30)',
      logs: 'started\n',
    });
    expect(requests[0]).toBeGreaterThan(29_000);
    expect(requests[0]).toBeLessThanOrEqual(30_000);
  });

  it('kills the process when the measurement is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const outcome = await measure(job([sh('sleep 120')]), { signal: controller.signal });
    expect(outcome).toEqual({ type: 'error', message: 'the measurement was aborted' });
    // Far less than the two minutes the command would take, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reports a command that cannot start as an Error', async () => {
    const outcome = await measure(job([{ name: 'x', command: ['/nonexistent/tool'] }]));
    expect(outcome).toMatchObject({
      type: 'error',
      message: expect.stringContaining(
        'container "x": could not start "/nonexistent/tool"',
      ) as string,
    });
  });

  it.each<[string, JobMetric, string]>([
    [
      'a container without command',
      job([{ name: 'x', image: 'alpine' }]),
      'container "x": command is required',
    ],
    [
      'env from valueFrom',
      job([sh('true', { env: [{ name: 'T', valueFrom: { secretKeyRef: {} } }] })]),
      'env T: valueFrom is not supported',
    ],
    [
      'a spec without containers',
      { spec: { template: { spec: { containers: [] } } } },
      'job.spec.template.spec.containers',
    ],
  ])('refuses %s before measuring', (_, config, message) => {
    let thrown: unknown;
    try {
      jobProvider.prepare(config, 'm');
    } catch (err) {
      thrown = err;
    }
    expect(isGantryError(thrown, 'Invalid')).toBe(true);
    expect((thrown as Error).message).toContain(message);
  });
});

describe('localCommandRunner', () => {
  const base = {
    cwd: tmpdir(),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    signal: new AbortController().signal,
    maxOutputBytes: 1024,
  };

  it('kills the whole process group at the timeout', async () => {
    const started = Date.now();
    const result = await localCommandRunner({
      ...base,
      command: 'sh',
      args: ['-c', 'sleep 120 & wait'],
      timeoutMs: 100,
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    // Far less than the two minutes the background sleep would keep the group, on any machine.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('keeps the end of a long output', async () => {
    const result = await localCommandRunner({
      ...base,
      command: 'sh',
      args: ['-c', 'i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done'],
      timeoutMs: 5_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith('…')).toBe(true);
    expect(result.stdout.endsWith('line 499\n')).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(1024 + 3);
  });
});
