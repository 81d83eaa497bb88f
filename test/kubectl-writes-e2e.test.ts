import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens } from '../src/auth/api-tokens.js';
import { ROOT } from './gantry-process.js';
import { startKubectlHarness, type KubectlHarness, type KubectlResult } from './kubectl-harness.js';
import { refusedAddress, type RefusedAddress } from './refused-address.js';

/**
 * kubectl's writes against Gantry (issue 18): apply (client-side and server-side), create, replace and a stale
 * replace, patch of each type, edit with a scripted editor, label, annotate, diff, delete, create
 * ns, --dry-run=server, and a viewer refused. The example project is applied with every
 * address it names (registry, Git, health check) rewritten to one that refuses connections.
 */
let harness: KubectlHarness;
let refused: RefusedAddress;
let example: string;

const kubectl = (args: string[], options?: Parameters<KubectlHarness['kubectl']>[1]) =>
  harness.kubectl(args, options);

/** One field of one object of project frontend, by kubectl's jsonpath. */
const field = async (kind: string, name: string, path: string): Promise<string> =>
  ok(await kubectl(['get', kind, name, '-n', 'frontend', '-o', `jsonpath=${path}`]));

/** kubectl succeeded; its stderr is in the failure message if not. */
function ok(result: KubectlResult): string {
  expect(result.code, `${result.err}${result.out}`).toBe(0);
  return result.out;
}

const STAGE_QA = `apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: qa
  namespace: frontend
  labels:
    tier: test
spec:
  requestedFreight:
    - origin: {kind: Warehouse, name: frontend}
      sources: {direct: true}
`;

beforeAll(async () => {
  harness = await startKubectlHarness();
  refused = await refusedAddress();
  example = join(harness.dir, 'example');
  mkdirSync(example);
  const source = join(ROOT, 'examples', 'frontend');
  for (const file of readdirSync(source).filter((f) => f.endsWith('.yaml')))
    writeFileSync(
      join(example, file),
      readFileSync(join(source, file), 'utf8')
        .replaceAll('http://127.0.0.1:8418', refused.url)
        .replaceAll('http://127.0.0.1:3000', refused.url)
        .replaceAll('127.0.0.1:5000', refused.host),
    );
});

afterAll(async () => {
  await harness?.stop();
  await refused?.close();
});

describe('kubectl writes against Gantry', () => {
  it('applies the example project (client-side): created, then unchanged, then configured', async () => {
    const first = ok(await kubectl(['apply', '-f', example]));
    expect(first).toContain('project.kargo.akuity.io/frontend created');
    expect(first).toContain('stage.kargo.akuity.io/dev created');
    expect(first).toContain('warehouse.kargo.akuity.io/frontend created');
    expect(first).toContain('analysistemplate.argoproj.io/frontend-smoke created');
    const versions = async () =>
      ok(
        await kubectl([
          'get',
          'stages,warehouses,projectconfigs,promotiontasks',
          '-n',
          'frontend',
          '-o',
          'jsonpath={.items[*].metadata.generation}',
        ]),
      );
    const before = await versions();
    const again = ok(await kubectl(['apply', '-f', example]));
    expect(again).toContain('project.kargo.akuity.io/frontend unchanged');
    expect(again).toContain('promotiontask.kargo.akuity.io/promote-frontend unchanged');
    expect(again).toContain('analysistemplate.argoproj.io/frontend-smoke unchanged');
    expect(again).not.toContain('created');
    // Stages and the Warehouse have lists whose items the server completes with Kargo's
    // defaults, so kubectl's merge patch (lists whole) is not empty and it says "configured",
    // as against Kargo; the server finds nothing to change (no generation bumped; the Warehouse's
    // controller may write its status meanwhile, so resourceVersions are not compared).
    expect(await versions()).toBe(before);
    const stages = join(example, 'stages.yaml');
    writeFileSync(
      stages,
      readFileSync(stages, 'utf8').replace("color: '#3b82f6'", "color: '#ef4444'"),
    );
    const changed = ok(await kubectl(['apply', '-f', stages]));
    expect(changed).toContain('stage.kargo.akuity.io/dev configured');
    const color = await field('stage', 'dev', '{.metadata.annotations.kargo\\.akuity\\.io/color}');
    expect(color).toBe('#ef4444');
  });

  it('diffs: exit 0 without changes, 1 with a diff', async () => {
    const same = await kubectl(['diff', '-f', join(example, 'stages.yaml')]);
    expect(same.code, same.err).toBe(0);
    const stages = join(example, 'stages.yaml');
    const changed = join(harness.dir, 'stages-changed.yaml');
    writeFileSync(changed, readFileSync(stages, 'utf8').replace("'#ef4444'", "'#22c55e'"));
    const different = await kubectl(['diff', '-f', changed]);
    expect(different.code, different.err).toBe(1);
    expect(different.out).toMatch(/^-\s+kargo\.akuity\.io\/color: '#ef4444'$/m);
    expect(different.out).toMatch(/^\+\s+kargo\.akuity\.io\/color: '#22c55e'$/m);
  });

  it('creates, refuses a second create, and writes nothing with --dry-run=server', async () => {
    const dry = ok(await kubectl(['create', '-f', '-', '--dry-run=server'], { input: STAGE_QA }));
    expect(dry).toContain('stage.kargo.akuity.io/qa created (server dry run)');
    const absent = await kubectl(['get', 'stage', 'qa', '-n', 'frontend']);
    expect(absent.err).toContain('stages.kargo.akuity.io "qa" not found');
    expect(ok(await kubectl(['create', '-f', '-'], { input: STAGE_QA }))).toContain(
      'stage.kargo.akuity.io/qa created',
    );
    const twice = await kubectl(['create', '-f', '-'], { input: STAGE_QA });
    expect(twice.code).toBe(1);
    expect(twice.err).toContain(
      'Error from server (AlreadyExists): error when creating "STDIN": stages.kargo.akuity.io "qa" already exists',
    );
  });

  it('replaces, and refuses a stale replace with the conflict message', async () => {
    const current = ok(await kubectl(['get', 'stage', 'qa', '-n', 'frontend', '-o', 'yaml']));
    const replaced = ok(
      await kubectl(['replace', '-f', '-'], {
        input: current.replace(/spec:\n/, 'spec:\n  shard: east\n'),
      }),
    );
    expect(replaced).toContain('stage.kargo.akuity.io/qa replaced');
    const stale = await kubectl(['replace', '-f', '-'], {
      input: current.replace(/spec:\n/, 'spec:\n  shard: west\n'),
    });
    expect(stale.code).toBe(1);
    expect(stale.err).toContain(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on stages.kargo.akuity.io "qa": the object has been modified; please apply your changes to the latest version and try again',
    );
    const generation = await field('stage', 'qa', '{.metadata.generation}');
    expect(generation).toBe('2');
  });

  it('patches with --type merge, json and strategic', async () => {
    const base = ['patch', 'stage', 'qa', '-n', 'frontend'];
    expect(
      ok(await kubectl([...base, '--type', 'merge', '-p', '{"spec":{"shard":"north"}}'])),
    ).toContain('stage.kargo.akuity.io/qa patched');
    ok(
      await kubectl([
        ...base,
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/shard","value":"north"},{"op":"replace","path":"/spec/shard","value":"south"}]',
      ]),
    );
    const failed = await kubectl([
      ...base,
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/spec/shard","value":"north"}]',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('test failed');
    ok(await kubectl([...base, '-p', '{"metadata":{"labels":{"patched":"strategic"}}}']));
    const shown = await field('stage', 'qa', '{.spec.shard} {.metadata.labels.patched}');
    expect(shown).toBe('south strategic');
    const unchanged = ok(
      await kubectl([...base, '--type', 'merge', '-p', '{"spec":{"shard":"south"}}']),
    );
    expect(unchanged).toContain('stage.kargo.akuity.io/qa patched (no change)');
  });

  it('edits with a scripted editor', async () => {
    const edited = ok(
      await kubectl(['edit', 'stage', 'qa', '-n', 'frontend'], {
        env: { KUBE_EDITOR: 'sed -i -e s/shard:\\ south/shard:\\ edited/', EDITOR: '' },
      }),
    );
    expect(edited).toContain('stage.kargo.akuity.io/qa edited');
    expect(await field('stage', 'qa', '{.spec.shard}')).toBe('edited');
  });

  it('labels and annotates, refusing to overwrite without --overwrite', async () => {
    const target = ['stage', 'qa', '-n', 'frontend'];
    expect(ok(await kubectl(['label', ...target, 'team=web']))).toContain(
      'stage.kargo.akuity.io/qa labeled',
    );
    const again = await kubectl(['label', ...target, 'team=api']);
    expect(again.code).toBe(1);
    expect(again.err).toContain("'team' already has a value (web), and --overwrite is false");
    ok(await kubectl(['label', ...target, 'team=api', '--overwrite']));
    ok(await kubectl(['annotate', ...target, 'note=hello']));
    const refusedNote = await kubectl(['annotate', ...target, 'note=bye']);
    expect(refusedNote.code).toBe(1);
    ok(await kubectl(['annotate', ...target, 'note=bye', '--overwrite']));
    ok(await kubectl(['label', ...target, 'team-']));
    const meta = await field('stage', 'qa', '{.metadata.labels.team}|{.metadata.annotations.note}');
    expect(meta).toBe('|bye');
  });

  it('refuses a viewer’s writes as kube-apiserver does', async () => {
    const { token } = await new ApiTokens({ store: harness.gantry.store }).create({
      name: 'frontend-viewer',
      project: 'frontend',
      role: 'kargo-viewer',
      createdBy: 'test',
    });
    const viewer = { kubeconfig: harness.kubeconfigFor(token, 'viewer', 'frontend') };
    expect(ok(await kubectl(['get', 'stage', 'qa'], viewer))).toContain('qa');
    const label = await kubectl(['label', 'stage', 'qa', 'x=y'], viewer);
    expect(label.code).toBe(1);
    expect(label.err).toContain(
      'Error from server (Forbidden): stages.kargo.akuity.io "qa" is forbidden: User "token:frontend/frontend-viewer" cannot patch resource "stages" in API group "kargo.akuity.io" in the namespace "frontend"',
    );
    const created = await kubectl(['create', '-f', '-'], {
      ...viewer,
      input: STAGE_QA.replace('name: qa', 'name: other'),
    });
    expect(created.code).toBe(1);
    expect(created.err).toMatch(/Error from server \(Forbidden\)/);
    const deleted = await kubectl(['delete', 'stage', 'qa'], viewer);
    expect(deleted.code).toBe(1);
    expect(deleted.err).toMatch(/Error from server \(Forbidden\)/);
  });

  it('creates a namespace as a Project, and deletes by name, selector and --all', async () => {
    expect(ok(await kubectl(['create', 'ns', 'sandbox']))).toContain('namespace/sandbox created');
    expect(ok(await kubectl(['get', 'projects']))).toMatch(/^sandbox\s/m);
    for (const name of ['a', 'b', 'c'])
      ok(
        await kubectl(['create', '-f', '-'], {
          input: STAGE_QA.replace('name: qa', `name: ${name}`)
            .replace('namespace: frontend', 'namespace: sandbox')
            .replace('tier: test', `tier: ${name === 'c' ? 'keep' : 'drop'}`),
        }),
      );
    expect(ok(await kubectl(['delete', 'stage', 'a', '-n', 'sandbox']))).toContain(
      'stage.kargo.akuity.io "a" deleted',
    );
    expect(ok(await kubectl(['delete', 'stages', '-l', 'tier=drop', '-n', 'sandbox']))).toContain(
      'stage.kargo.akuity.io "b" deleted',
    );
    expect(ok(await kubectl(['get', 'stages', '-n', 'sandbox', '-o', 'name']))).toBe(
      'stage.kargo.akuity.io/c\n',
    );
    expect(ok(await kubectl(['delete', 'stages', '--all', '-n', 'sandbox']))).toContain(
      'stage.kargo.akuity.io "c" deleted',
    );
    // kubectl's typed commands send protobuf.
    expect(
      ok(
        await kubectl([
          'create',
          'secret',
          'generic',
          'creds',
          '-n',
          'sandbox',
          '--from-literal=password=hunter22',
        ]),
      ),
    ).toContain('secret/creds created');
    expect(
      ok(await kubectl(['create', 'configmap', 'settings', '-n', 'sandbox', '--from-literal=a=b'])),
    ).toContain('configmap/settings created');
    expect(
      ok(await kubectl(['get', 'secret', 'creds', '-n', 'sandbox', '-o', 'json'])),
    ).not.toMatch(/hunter22|aHVudGVyMjI/);
    expect(ok(await kubectl(['delete', 'ns', 'sandbox']))).toContain('namespace "sandbox" deleted');
    expect((await kubectl(['get', 'configmap', 'settings', '-n', 'sandbox'])).code).toBe(1);
    const gone = await kubectl(['get', 'ns', 'sandbox']);
    expect(gone.err).toContain('namespaces "sandbox" not found');
  });

  it('applies the example server-side too: created, then unchanged, owned by kubectl’s Apply', async () => {
    // The example, now applied with server-side apply into a project of its own: created, then
    // unchanged; kubectl's manager owns what it applied (operation Apply).
    const server = join(harness.dir, 'example-server-side');
    mkdirSync(server);
    for (const file of readdirSync(example))
      writeFileSync(
        join(server, file),
        readFileSync(join(example, file), 'utf8').replaceAll('frontend', 'storefront'),
      );
    const first = ok(await kubectl(['apply', '--server-side', '-f', server]));
    expect(first).toContain('project.kargo.akuity.io/storefront serverside-applied');
    expect(first).toContain('stage.kargo.akuity.io/prod serverside-applied');
    const generation = ok(
      await kubectl([
        'get',
        'stage',
        'prod',
        '-n',
        'storefront',
        '-o',
        'jsonpath={.metadata.generation}',
      ]),
    );
    ok(await kubectl(['apply', '--server-side', '-f', server]));
    expect(
      ok(
        await kubectl([
          'get',
          'stage',
          'prod',
          '-n',
          'storefront',
          '-o',
          'jsonpath={.metadata.generation} {.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}',
        ]),
      ),
    ).toBe(`${generation} kubectl/Apply`);
  });
});
