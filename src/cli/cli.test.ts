import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadEndServer, type DeadEndServer } from '../../test/dead-end-server.js';
import { writeExampleManifests } from '../../test/example-project.js';
import { until } from '../../test/in-process-cli.js';
import { resolveServerConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startGantry, type RunningGantry } from '../main.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './main.js';
import { refusedAddress } from '../../test/refused-address.js';

describe('gantry CLI', () => {
  let gantry: RunningGantry;
  let dir: string;
  /** Where the example's registry, repository and health check point: nothing is found there. */
  let nowhere: DeadEndServer;
  /** The example project (examples/frontend), its addresses at `nowhere`. */
  let EXAMPLES: string;
  let IMAGE: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
    nowhere = await startDeadEndServer();
    IMAGE = `${nowhere.host}/acme/frontend`;
    EXAMPLES = writeExampleManifests(join(dir, 'example'), {
      registry: nowhere.host,
      gitops: `${nowhere.url}/gitops.git`,
      healthUrl: `${nowhere.url}/healthz`,
    });
    gantry = await startGantry(
      resolveServerConfig({ port: '0', dataDir: join(dir, 'data') }, {}),
      silentLogger,
    );
  });
  afterAll(async () => {
    await gantry.stop();
    await nowhere.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        GANTRY_SERVER: gantry.url,
        GANTRY_TOKEN: gantry.adminToken,
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
        GANTRY_DATA_DIR: '/nonexistent/gantry-test-data',
        ...env,
      },
      now: () => new Date(Date.now() + 3_600_000),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('applies the example project, then reports it unchanged', async () => {
    const first = await cli(['apply', '-f', EXAMPLES]);
    expect(first).toEqual({
      code: EXIT_OK,
      err: '',
      out: [
        'project.kargo.akuity.io/frontend created',
        'projectconfig.kargo.akuity.io/frontend created',
        'promotiontask.kargo.akuity.io/promote-frontend created',
        'stage.kargo.akuity.io/dev created',
        'stage.kargo.akuity.io/staging created',
        'stage.kargo.akuity.io/prod created',
        'analysistemplate.argoproj.io/frontend-smoke created',
        'warehouse.kargo.akuity.io/frontend created',
      ].join('\n'),
    });
    // The Warehouse looks for images at the test's own server, not at the README's registry.
    await until(
      () => Promise.resolve(nowhere.requests.some((r) => r.path.startsWith('/v2/'))),
      'the Warehouse to look for images at the test registry',
    );
    const second = await cli(['apply', '-f', EXAMPLES]);
    expect(second.out.split('\n').every((line) => line.endsWith(' unchanged'))).toBe(true);
  });

  it('prints kubectl-like tables, YAML and JSON', async () => {
    const table = await cli(['get', 'stages', '--project', 'frontend']);
    expect(table.code).toBe(EXIT_OK);
    expect(table.out.split('\n')).toEqual([
      // In pipeline order; not READY before any Freight.
      'NAME      SHARD   CURRENT FREIGHT   HEALTH   VERIFICATION   HOLD   LAST PROMOTION   READY   AGE',
      'dev                                                                                 False   60m',
      'staging                                                                             False   60m',
      'prod                                                                                False   60m',
    ]);
    const list = JSON.parse(
      (await cli(['get', 'warehouses', '--project', 'frontend', '-o', 'json'])).out,
    );
    expect(Object.keys(list)).toEqual(['items']);
    expect(list.items[0].spec.interval).toBe('5m0s');
    const one = JSON.parse(
      (await cli(['get', 'warehouse', 'frontend', '--project', 'frontend', '-o', 'json'])).out,
    );
    expect(one.metadata.name).toBe('frontend');
    const yaml = (
      await cli(['get', 'promotask', 'promote-frontend', '-o', 'yaml'], {
        GANTRY_PROJECT: 'frontend',
      })
    ).out;
    expect(yaml).toMatch(/^apiVersion: kargo.akuity.io\/v1alpha1\nkind: PromotionTask\n/);
    const all = await cli(['get', 'stages', '-A']);
    expect(all.out.split('\n')[0]).toMatch(/^PROJECT +NAME +SHARD/);
    const empty = await cli(['get', 'promos', '--project', 'frontend']);
    expect(empty).toEqual({
      code: EXIT_OK,
      out: '',
      err: 'No promotions found in project frontend.',
    });
    const projects = await cli(['get', 'projects']);
    expect(projects.out).toContain('frontend');
  });

  it('stops on invalid documents with one line per problem and applies nothing', async () => {
    const path = file(
      'pipeline.yaml',
      [
        'apiVersion: kargo.akuity.io/v1alpha1',
        'kind: Stage',
        'metadata: {name: fine, namespace: frontend}',
        'spec:',
        '  requestedFreight:',
        '  - origin: {kind: Warehouse, name: frontend}',
        '    sources: {direct: true}',
        '---',
        'apiVersion: kargo.akuity.io/v1alpha1',
        'kind: Warehouse',
        'metadata: {name: api, namespace: frontend}',
        'spec:',
        '  subscriptions:',
        '  - image: {constraint: ^1}',
      ].join('\n'),
    );
    const result = await cli(['apply', '-f', path]);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toBe(
      `error: ${path}: document 2 (Warehouse "api"): spec.subscriptions[0].image.repoURL: required`,
    );
    expect((await cli(['get', 'stage', 'fine', '--project', 'frontend'])).code).toBe(EXIT_FAILURE);
  });

  it('reports server-side refusals against the file and document', async () => {
    const path = file(
      'orphan.yaml',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata: {name: x, namespace: ghost}\nspec:\n  requestedFreight:\n  - origin: {kind: Warehouse, name: w}\n    sources: {direct: true}\n',
    );
    const result = await cli(['apply', '-f', path]);
    expect(result).toEqual({
      code: EXIT_FAILURE,
      out: '',
      err: `error: ${path}: document 1 (Stage "x"): metadata.namespace: project "ghost" does not exist (create it first: gantry create project ghost)`,
    });
  });

  it('names the document for duplicates and for changed Freight contents', async () => {
    const stageDoc =
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata: {name: twin, namespace: frontend}\nspec:\n  requestedFreight:\n  - origin: {kind: Warehouse, name: frontend}\n    sources: {direct: true}\n';
    const twice = file('twice.yaml', `${stageDoc}---\n${stageDoc}`);
    expect(await cli(['apply', '-f', twice])).toEqual({
      code: EXIT_FAILURE,
      out: '',
      err: `error: ${twice}: document 2 (Stage "twin"): metadata.name: Stage "twin" appears twice in this request (also document 1)`,
    });
    const freight = (tag: string, name = 'f') =>
      `apiVersion: kargo.akuity.io/v1alpha1\nkind: Freight\nmetadata: {name: ${name}, namespace: frontend}\norigin: {kind: Warehouse, name: frontend}\nimages:\n- {repoURL: ${IMAGE}, tag: '${tag}', digest: 'sha256:${tag.replace(/\./g, '')}'}\n`;
    // Hand-made Freight of an image no registry serves: --force skips the registry check.
    const created = await cli(['apply', '--force', '-f', file('freight.yaml', freight('1.2.1'))]);
    expect(created.out).toMatch(/^freight\.kargo\.akuity\.io\/[0-9a-f]{40} created$/);
    const name = created.out.split('/')[1]!.split(' ')[0]!;
    const changed = file('freight-changed.yaml', freight('1.2.2', name));
    expect(await cli(['apply', '-f', changed])).toEqual({
      code: EXIT_FAILURE,
      out: '',
      err: `error: ${changed}: document 1 (Freight "${name}"): Freight "${name}" is immutable: images cannot change (only alias, labels, annotations and status can)`,
    });
    const listed = await cli(['get', 'freight', '--project', 'frontend', '-o', 'wide']);
    expect(listed.out.split('\n')[0]).toMatch(
      /^NAME +ALIAS +ORIGIN \(KIND\) +ORIGIN \(NAME\) +ARTIFACTS +AGE$/,
    );
    expect(listed.out).toContain(`${IMAGE}:1.2.1`);
  });

  it('evaluates expressions against the real context, or locally', async () => {
    expect(await cli(['expr', '1 + 2 * 3'])).toEqual({ code: EXIT_OK, out: '7', err: '' });
    // The same results as Kargo: expr-lang's types, Kargo's typing of templates.
    expect((await cli(['expr', 'type(1.0) + " " + type(7 / 7)'])).out).toBe('float float');
    expect((await cli(['expr', '${{ 3 }}${{ 3 }}'])).out).toBe('33');
    expect((await cli(['expr', 'date("2023-08-14").Year()'])).out).toBe('2023');
    expect((await cli(['expr', 'let x = [1, 2]; x | map(# * 2) | sum()'])).out).toBe('6');
    expect((await cli(['expr', 'true or 0'])).err).toBe(
      'error: column 6: invalid operation: or (mismatched types bool and int)',
    );
    expect((await cli(['expr', 'semverParse("1.2.3").IncMinor()'])).out).toBe('1.3.0');
    const freight = JSON.parse(
      (await cli(['get', 'freight', '--project', 'frontend', '-o', 'json'])).out,
    ).items[0];
    const tag = await cli([
      'expr',
      `imageFrom("${IMAGE}").Tag`,
      '--project',
      'frontend',
      '--stage',
      'dev',
      '--freight',
      freight.alias,
    ]);
    expect(tag).toEqual({ code: EXIT_OK, out: freight.images[0].tag, err: '' });
    // Freight is named by its alias wherever a command takes Freight.
    const byAlias = await cli([
      'get',
      'freight',
      freight.alias,
      '--project',
      'frontend',
      '-o',
      'json',
    ]);
    expect(byAlias.code).toBe(EXIT_OK);
    expect(JSON.parse(byAlias.out).metadata.name).toBe(freight.metadata.name);
    expect((await cli(['get', 'freight', 'no-such-alias', '--project', 'frontend'])).err).toBe(
      'error: Freight "no-such-alias" does not exist in project "frontend" (by name or alias)',
    );
    const templated = await cli([
      'expr',
      'promote ${{ ctx.stage }} to ${{ ctx.targetFreight.alias }}',
      '--project',
      'frontend',
      '--stage',
      'dev',
      '--freight',
      freight.metadata.name,
    ]);
    expect(templated.err).toBe('');
    expect(templated.out).toBe(`promote dev to ${freight.alias}`);
    // As in Kargo, a var the Stage does not define is nil.
    expect(
      await cli(['expr', 'vars.imageRepo', '--project', 'frontend', '--stage', 'dev']),
    ).toEqual({ code: EXIT_OK, out: 'null', err: '' });
    expect(
      await cli(['expr', 'vars.imageRepo.x', '--project', 'frontend', '--stage', 'dev']),
    ).toEqual({ code: EXIT_FAILURE, out: '', err: 'error: column 16: cannot fetch x from <nil>' });
    expect((await cli(['expr', '1 +'])).err).toBe('error: column 4: unexpected end of expression');
    expect((await cli(['expr', 'secret("x")', '--project', 'frontend'])).err).toBe(
      'error: column 1: secret(): secrets are not readable here (they would be shown)',
    );
    expect(
      (await cli(['expr', 'stageMetadata("dev") ?? "none"', '--project', 'frontend'])).out,
    ).toBe('none');
  });

  it('reports malformed YAML with line and column', async () => {
    const path = file('broken.yaml', 'kind: Stage\nmetadata:\n  name: [unclosed\n');
    const result = await cli(['apply', '-f', path]);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(new RegExp(`^error: ${path}:\\d+:\\d+: .+`));
  });

  it('uses exit code 2 for usage mistakes', async () => {
    expect((await cli(['get', 'gizmos'])).code).toBe(EXIT_USAGE);
    const noProject = await cli(['get', 'stages']);
    expect(noProject).toEqual({
      code: EXIT_USAGE,
      out: '',
      err: 'error: stages belong to a project: pass --project NAME (or set GANTRY_PROJECT)',
    });
    expect((await cli(['get'])).code).toBe(EXIT_USAGE);
    expect((await cli(['frobnicate'])).code).toBe(EXIT_USAGE);
    expect((await cli(['get', 'stages', '--project', 'frontend', '-o', 'xml'])).code).toBe(
      EXIT_USAGE,
    );
    expect((await cli(['apply'])).code).toBe(EXIT_USAGE);
    expect((await cli(['--help'])).code).toBe(EXIT_OK);
  });

  it('creates and deletes projects and objects', async () => {
    expect(await cli(['create', 'project', 'scratch'])).toEqual({
      code: EXIT_OK,
      out: 'project.kargo.akuity.io/scratch created',
      err: '',
    });
    const exists = await cli(['create', 'project', 'scratch']);
    expect(exists).toEqual({
      code: EXIT_FAILURE,
      out: '',
      err: 'error: Project "scratch" already exists',
    });
    expect((await cli(['create', 'project', 'Bad_Name'])).code).toBe(EXIT_USAGE);
    const stageFile = file(
      'scratch.yaml',
      'apiVersion: kargo.akuity.io/v1alpha1\nkind: Stage\nmetadata: {name: a}\nspec:\n  requestedFreight:\n  - origin: {kind: Warehouse, name: w}\n    sources: {direct: true}\n',
    );
    expect((await cli(['apply', '-f', stageFile, '--project', 'scratch'])).out).toBe(
      'stage.kargo.akuity.io/a created',
    );
    expect((await cli(['delete', '-f', stageFile, '--project', 'scratch'])).out).toBe(
      'stage.kargo.akuity.io "a" deleted',
    );
    expect((await cli(['delete', 'stage', 'a', '--project', 'scratch'])).err).toBe(
      'error: Stage "a" in project "scratch" not found',
    );
    expect(
      (await cli(['delete', 'stage', 'a', '--project', 'scratch', '--ignore-not-found'])).code,
    ).toBe(EXIT_OK);
    expect((await cli(['delete', 'project', 'scratch'])).out).toBe(
      'project.kargo.akuity.io "scratch" deleted',
    );
  });

  it('prints versions, and says clearly when the server cannot be reached', async () => {
    const version = await cli(['version']);
    expect(version.out).toMatch(
      /^Client Version: \d+\.\d+\.\d+\nServer Version: \d+\.\d+\.\d+ \(store: sqlite\)$/,
    );
    // A port this process holds without listening: refused on every machine.
    const refused = await refusedAddress();
    const unreachable = await cli(['get', 'projects'], { GANTRY_SERVER: refused.url }).finally(() =>
      refused.close(),
    );
    expect(unreachable.code).toBe(EXIT_FAILURE);
    expect(unreachable.err).toBe(
      `error: cannot reach the Gantry server at ${refused.url} (connection refused); is \`gantry server\` running? Set --server or GANTRY_SERVER to use another`,
    );
    const flag = await cli(['--version']);
    expect(flag).toEqual({
      code: EXIT_OK,
      out: version.out.split('\n')[0]!.replace('Client Version: ', ''),
      err: '',
    });
  });

  it('suggests the kind a misspelt one meant', async () => {
    expect(await cli(['get', 'stagse', '-n', 'frontend'])).toEqual({
      code: EXIT_USAGE,
      out: '',
      err: 'error: unknown kind "stagse"; did you mean "stage"?',
    });
    expect((await cli(['get', 'wombats'])).err).toContain('unknown kind "wombats" (try');
  });

  it('keeps kubectl habits: -n for --project, and a project that does not exist is an error', async () => {
    expect((await cli(['create', 'project', 'habits'])).code).toBe(EXIT_OK);
    const empty = await cli(['get', 'stages', '-n', 'habits']);
    expect(empty).toEqual({ code: EXIT_OK, out: '', err: 'No stages found in project habits.' });
    const missing = await cli(['get', 'stages', '--namespace', 'nope']);
    expect(missing.code).toBe(EXIT_FAILURE);
    expect(missing.err).toBe(
      'error: project "nope" does not exist (gantry get projects lists them)',
    );
    const both = await cli(['get', 'stages', '-n', 'habits', '--project', 'other']);
    expect(both.code).toBe(EXIT_USAGE);
    expect(both.err).toContain('--namespace "habits" and --project "other" disagree');
  });

  it('refuses --project that contradicts a document, as kubectl does, and changes nothing', async () => {
    expect((await cli(['create', 'project', 'scratch'])).code).toBe(EXIT_OK);
    const file = join(dir, 'elsewhere.yaml');
    writeFileSync(
      file,
      `apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: elsewhere, namespace: habits-other}
spec: {subscriptions: [{image: {repoURL: 127.0.0.1:1/x}}]}
`,
    );
    const result = await cli(['apply', '-f', file, '--project', 'scratch']);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toBe(
      `error: ${file}: document 1 (Warehouse "elsewhere"): metadata.namespace: "habits-other" does not match --project "scratch"; pass --project habits-other, or leave --project out`,
    );
    expect((await cli(['get', 'warehouses', '--project', 'scratch'])).err).toBe(
      'No warehouses found in project scratch.',
    );
  });
});
