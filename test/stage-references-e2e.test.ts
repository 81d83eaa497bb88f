import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../src/api/meta.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst, until } from './in-process-cli.js';

const stage = (name: string, warehouse: string, upstream?: string) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: ${name}, namespace: refs}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: ${warehouse}}
    sources: ${upstream ? `{stages: [${upstream}]}` : '{direct: true}'}
`;
const warehouse = (name: string) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: ${name}, namespace: refs}
spec:
  freightCreationPolicy: Manual
  subscriptions: [{git: {repoURL: 'http://127.0.0.1:9/refs/app.git'}}]
`;

/**
 * A Stage whose Warehouse or upstream Stage does not exist, through a real server and the
 * CLI: accepted with a warning (as Kargo accepts it, as kubectl prints admission warnings), a
 * `Ready=False` condition naming the problem that clears once the Warehouse or Stage exists
 * and comes back when it is deleted.
 */
describe('Stages requesting Freight from what does not exist', () => {
  let dir: string;
  let gantry: RunningGantry;
  const cli = cliAgainst(() => gantry, 'refs');
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const ready = async (name: string) =>
    (
      (await gantry.store.get({ kind: 'Stage', namespace: 'refs', name }))?.status as
        { conditions?: Condition[] } | undefined
    )?.conditions?.find((c) => c.type === 'Ready');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-stage-refs-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    expect((await cli(['create', 'project', 'refs'])).code).toBe(0);
  });
  afterAll(async () => {
    await gantry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies with a warning, shows the problem, and clears it once the Warehouse exists', async () => {
    const applied = await cli([
      'apply',
      '-f',
      file('stages.yaml', `${stage('dev', 'frontnd')}${stage('qa', 'frontnd', 'ghost')}`),
    ]);
    expect(applied.code).toBe(0);
    expect(applied.out).toBe('stage.kargo.akuity.io/dev created\nstage.kargo.akuity.io/qa created');
    expect(applied.err.split('\n')).toEqual([
      'Warning: stage "dev" requests Freight from Warehouse "frontnd", which does not exist in project "refs"',
      'Warning: stage "qa" requests Freight from Warehouse "frontnd", which does not exist in project "refs"',
      'Warning: stage "qa" requests Freight from upstream Stage "ghost", which does not exist in project "refs"',
    ]);
    await until(async () => (await ready('dev'))?.reason === 'MissingWarehouse', 'dev problem');
    expect(await ready('dev')).toMatchObject({
      status: 'False',
      message: 'requests Freight from Warehouse "frontnd", which does not exist in project "refs"',
    });
    // What `gantry get` shows of the Stage carries it too.
    const shown = JSON.parse((await cli(['get', 'stage', 'dev', '-o', 'json'])).out) as {
      status?: { conditions?: Condition[] };
    };
    expect(shown.status?.conditions?.find((c) => c.type === 'Ready')?.reason).toBe(
      'MissingWarehouse',
    );

    const fixed = await cli(['apply', '-f', file('warehouse.yaml', warehouse('frontnd'))]);
    expect(fixed.err).toBe('');
    await until(async () => (await ready('dev')) === undefined, 'dev problem cleared');
    await until(
      async () => (await ready('qa'))?.reason === 'MissingUpstreamStage',
      'qa problem narrowed to its upstream Stage',
    );
    expect((await ready('qa'))?.message).toBe(
      'requests Freight from upstream Stage "ghost", which does not exist in project "refs"',
    );
    expect((await cli(['apply', '-f', file('ghost.yaml', stage('ghost', 'frontnd'))])).err).toBe(
      '',
    );
    await until(async () => (await ready('qa')) === undefined, 'qa problem cleared');
  });

  it('shows the problem again when the Warehouse is deleted', async () => {
    expect((await cli(['delete', 'warehouse', 'frontnd'])).code).toBe(0);
    await until(async () => (await ready('dev'))?.reason === 'MissingWarehouse', 'dev problem');
    await until(async () => (await ready('ghost'))?.reason === 'MissingWarehouse', 'ghost problem');
    expect((await cli(['apply', '-f', join(dir, 'warehouse.yaml')])).code).toBe(0);
    await until(async () => (await ready('dev')) === undefined, 'dev problem cleared again');
  });

  it('does not warn about what comes in the same request, whatever the order', async () => {
    const applied = await cli([
      'apply',
      '-f',
      file('ordered.yaml', `${stage('late', 'later', 'dev')}${warehouse('later')}`),
    ]);
    expect(applied.err).toBe('');
    expect(applied.code).toBe(0);
  });

  it('carries warnings in the API: a warnings list and Warning headers', async () => {
    const headers = {
      authorization: `Bearer ${gantry.adminToken}`,
      'content-type': 'application/json',
    };
    const document = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Stage',
      metadata: { name: 'api', namespace: 'refs' },
      spec: {
        requestedFreight: [
          { origin: { kind: 'Warehouse', name: 'nope' }, sources: { direct: true } },
        ],
      },
    };
    const warning =
      'stage "api" requests Freight from Warehouse "nope", which does not exist in project "refs"';
    const batch = await fetch(`${gantry.url}/v1/resources?dryRun=true`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ items: [document] }),
    });
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as { warnings?: string[] }).warnings).toEqual([warning]);
    expect(batch.headers.get('warning')).toBe(`299 - "${warning.replaceAll('"', '\\"')}"`);
    const one = await fetch(`${gantry.url}/v1/projects/refs/stages/api`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(document),
    });
    expect(one.status).toBe(201);
    expect(one.headers.get('warning')).toBe(`299 - "${warning.replaceAll('"', '\\"')}"`);
  });
});
