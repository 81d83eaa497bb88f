import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test/in-process-cli.js';
import { KARGO_API_VERSION } from '../api/api-versions.js';
import { ALIAS_LABEL } from '../api/labels.js';
import { resolveServerConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startGantry, type RunningGantry } from '../main.js';
import { EXIT_OK, EXIT_USAGE, runCli } from './main.js';

const FREIGHT = 'f'.repeat(40);

/** `gantry get`'s output conventions (kubectl's), against a real server in this process. */
describe('gantry get output', () => {
  let gantry: RunningGantry;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-get-'));
    gantry = await startGantry(
      resolveServerConfig({ port: '0', dataDir: join(dir, 'data') }, {}),
      silentLogger,
    );
    // Stages without steps are never promoted to: nothing changes under the test.
    writeFileSync(
      join(dir, 'shop.yaml'),
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: shop}
spec:
  subscriptions: [{image: {repoURL: 127.0.0.1:9/shop/app}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: prod, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {stages: [staging]}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: staging, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {stages: [dev]}}]
`,
    );
    expect((await cli(['apply', '-f', join(dir, 'shop.yaml')])).code).toBe(EXIT_OK);
    // Freight rolled back from in dev.
    await gantry.store.write([
      {
        op: 'create',
        object: {
          apiVersion: KARGO_API_VERSION,
          kind: 'Freight',
          metadata: {
            name: FREIGHT,
            namespace: 'shop',
            labels: { [ALIAS_LABEL]: 'quiet-quokka' },
            annotations: { 'rejected.gantry.io/dev': 'dev was rolled back to brave-bison' },
          },
          alias: 'quiet-quokka',
          origin: { kind: 'Warehouse', name: 'app' },
          images: [
            { repoURL: '127.0.0.1:9/shop/app', tag: '1.0.0', digest: 'sha256:' + 'a'.repeat(64) },
          ],
        },
      },
    ]);
  });
  afterAll(async () => {
    await gantry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], signal?: AbortSignal, out: string[] = []) {
    const err: string[] = [];
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        GANTRY_SERVER: gantry.url,
        GANTRY_TOKEN: gantry.adminToken,
        GANTRY_PROJECT: 'shop',
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
        GANTRY_DATA_DIR: '/nonexistent/gantry-test-data',
      },
      ...(signal ? { signal } : {}),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('lists Stages in pipeline order, with a READY that says something', async () => {
    const { out } = await cli(['get', 'stages', '-o', 'wide']);
    const [header, ...rows] = out.split('\n');
    expect(header).toMatch(/LAST PROMOTION\s+READY\s+STATUS\s+AGE$/);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['dev', 'staging', 'prod']);
    expect(rows[0]).toMatch(/False\s+no Freight promoted here yet\s+\S+$/);
  });

  it('says what auto-promotion does apart from whether Freight is available', async () => {
    const { out } = await cli(['get', 'freight', '--stage', 'dev']);
    const [header, row] = out.split('\n');
    expect(header).toMatch(/AVAILABLE\s+WHY\s+AUTO-PROMOTION\s+AGE$/);
    expect(row).toMatch(
      /quiet-quokka\s+\S+\s+yes\s+direct from Warehouse app\s+skipped: dev was rolled back to brave-bison\s/,
    );
  });

  it.each([
    [
      ['get', 'stages', '-o', 'name'],
      'stage.kargo.akuity.io/dev\nstage.kargo.akuity.io/prod\nstage.kargo.akuity.io/staging',
    ],
    [['get', 'freight', 'quiet-quokka', '-o', 'name'], `freight.kargo.akuity.io/${FREIGHT}`],
    [['get', 'stage/dev', '-o', 'jsonpath={.metadata.name}'], 'dev'],
    [['get', 'stages', '-o=jsonpath={.kind}'], 'List'],
    [
      ['get', 'stages', '-o', `jsonpath='{range .items[*]}{.metadata.name}{"\\n"}{end}'`],
      'dev\nprod\nstaging',
    ],
    [
      [
        'get',
        'stages',
        '-o',
        'jsonpath={.items[?(@.metadata.name=="dev")].spec.requestedFreight[0].sources.direct}',
      ],
      'true',
    ],
    [['get', 'stages', '-o', 'jsonpath={.items[-1:].metadata.name}'], 'staging'],
    [
      [
        'get',
        'stages',
        '-o',
        'custom-columns=NAME:.metadata.name,FROM:.spec.requestedFreight[*].sources.stages[*]',
      ],
      'NAME      FROM\ndev       <none>\nprod      staging\nstaging   dev',
    ],
    [
      ['get', 'warehouses,stages', '-o', 'name'],
      'warehouse.kargo.akuity.io/app\nstage.kargo.akuity.io/dev\nstage.kargo.akuity.io/prod\nstage.kargo.akuity.io/staging',
    ],
  ])('gantry %j', async (args, expected) => {
    const result = await cli(args);
    expect(result).toMatchObject({ code: EXIT_OK, err: '' });
    expect(result.out).toBe(expected);
  });

  it('reads custom columns from a file: headers, then paths', async () => {
    const file = join(dir, 'columns.txt');
    writeFileSync(
      file,
      'STAGE   UPSTREAM\n.metadata.name   {.spec.requestedFreight[0].sources.stages[0]}\n',
    );
    expect((await cli(['get', 'stage', 'prod', '-o', `custom-columns-file=${file}`])).out).toBe(
      'STAGE   UPSTREAM\nprod    staging',
    );
  });

  it('lists several kinds, each its own table with qualified names; all is a pipeline', async () => {
    const { out } = await cli(['get', 'warehouses,stages']);
    const [warehouses, stages] = out.split('\n\n');
    expect(warehouses!.split('\n')[1]).toMatch(/^warehouse\.kargo\.akuity\.io\/app\s/);
    expect(
      stages!
        .split('\n')
        .slice(1)
        .map((r) => r.split(/\s+/)[0]),
    ).toEqual([
      'stage.kargo.akuity.io/dev',
      'stage.kargo.akuity.io/staging',
      'stage.kargo.akuity.io/prod',
    ]);
    const all = (await cli(['get', 'all'])).out.split('\n\n');
    expect(all.map((table) => table.split('\n')[1]!.split('/')[0])).toEqual([
      'warehouse.kargo.akuity.io',
      'stage.kargo.akuity.io',
      'freight.kargo.akuity.io',
    ]);
  });

  it.each([
    [['get', 'stages', '-o', 'jsonpath={.items[0'], 'unclosed action', EXIT_USAGE],
    [
      ['get', 'stages', '-o', 'jsonpath={.items[?(@.a<>1)]}'],
      'unrecognized filter operator <> (at position 14',
      EXIT_USAGE,
    ],
    [['get', 'stages', '-o', 'jsonpath'], '-o jsonpath needs a template', EXIT_USAGE],
    [['get', 'stages', '-o', 'custom-columns=NAME'], '"NAME" is not HEADER:PATH', EXIT_USAGE],
    [['get', 'stages', '-o', 'xml'], 'unknown output format', EXIT_USAGE],
    [['get', 'stages,pipeline'], 'pipeline cannot be listed with other kinds', EXIT_USAGE],
    [['get', 'stages,warehouses', 'dev'], 'NAME goes with one kind', EXIT_USAGE],
    [
      ['get', 'stages', '-o', 'jsonpath={.items[7]}'],
      'array index out of bounds: index 7, length 3',
      1,
    ],
  ])('gantry %j fails clearly', async (args, message, code) => {
    const result = await cli(args);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });

  it('-w prints the table, then a row for each change, until stopped', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    const running = cli(['get', 'stages', '-w'], stop.signal, out);
    await until(
      () => Promise.resolve(out.length === 1 && out[0]!.split('\n').length === 4),
      'the table',
    );
    writeFileSync(
      join(dir, 'qa.yaml'),
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: qa, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {stages: [dev]}}]
`,
    );
    expect((await cli(['apply', '-f', join(dir, 'qa.yaml')])).code).toBe(EXIT_OK);
    await until(() => Promise.resolve(out.some((line) => line.startsWith('qa '))), 'a row for qa');
    // The new row keeps the table's columns.
    const header = out[0]!.split('\n')[0]!;
    const row = out.find((line) => line.startsWith('qa '))!;
    expect(row.indexOf('False')).toBe(header.indexOf('READY'));
    stop.abort();
    expect(await running).toMatchObject({ code: EXIT_OK, err: '' });
  });

  it('--watch-only -o name prints only changes, none missed', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    const running = cli(['get', 'warehouses', '--watch-only', '-o', 'name'], stop.signal, out);
    await gantry.store.write([
      {
        op: 'apply',
        object: {
          apiVersion: KARGO_API_VERSION,
          kind: 'Warehouse',
          metadata: { name: 'docs', namespace: 'shop' },
          spec: { subscriptions: [{ image: { repoURL: '127.0.0.1:9/shop/docs' } }] },
        },
      },
    ]);
    await until(
      () => Promise.resolve(out.includes('warehouse.kargo.akuity.io/docs')),
      'the new Warehouse',
    );
    expect(out.every((line) => line.startsWith('warehouse.kargo.akuity.io/'))).toBe(true);
    stop.abort();
    expect((await running).code).toBe(EXIT_OK);
  });
});
