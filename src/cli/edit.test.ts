import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import { resolveServerConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { startGantry, type RunningGantry } from '../main.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, runCli } from './main.js';

const PROJECT = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: edits}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: edits}
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - git: {repoURL: 'http://127.0.0.1:9/edits/app.git'}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: edits}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: app}
    sources: {direct: true}
`;

/**
 * `gantry edit` with real editors: small node programs that rewrite the file as a person
 * would (one per behaviour), run by the CLI through the shell as $EDITOR is.
 */
describe('gantry edit', () => {
  let dir: string;
  let gantry: RunningGantry;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-edit-test-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    writeFileSync(join(dir, 'edits.yaml'), PROJECT);
    expect((await cli(['apply', '-f', join(dir, 'edits.yaml')])).code).toBe(EXIT_OK);
  });
  afterAll(async () => {
    await gantry.stop();
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
        GANTRY_PROJECT: 'edits',
        GANTRY_CONFIG: '/nonexistent/gantry-test-config',
        ...env,
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /**
   * An editor: a node program given the file. `rounds[n]` is the body of the n-th call (the
   * file's text in `text`, returning the new text); each call's input is kept in ROUND-n.txt.
   */
  function editor(name: string, rounds: string[]): string {
    const script = join(dir, `${name}.mjs`);
    writeFileSync(
      script,
      `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const counter = ${JSON.stringify(join(dir, `${name}.count`))};
const round = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0;
writeFileSync(counter, String(round + 1));
const text = readFileSync(file, 'utf8');
writeFileSync(${JSON.stringify(join(dir, name))} + '-ROUND-' + round + '.txt', text);
const rounds = [${rounds.map((body) => `async (text) => { ${body} }`).join(',\n')}];
if (!rounds[round]) { console.error('editor called too often'); process.exit(3); }
writeFileSync(file, await rounds[round](text));
`,
    );
    return `node ${script}`;
  }
  const seen = (name: string, round: number) =>
    readFileSync(join(dir, `${name}-ROUND-${round}.txt`), 'utf8');
  const stage = async () =>
    (await gantry.store.get({ kind: 'Stage', namespace: 'edits', name: 'dev' })) as StoredResource;

  it('applies what the editor saved, from YAML without status or server-owned metadata', async () => {
    const before = await stage();
    const result = await cli(['edit', 'stage', 'dev'], {
      EDITOR: editor('label', [
        "return text.replace('metadata:\\n', 'metadata:\\n  labels:\\n    edited: \"yes\"\\n');",
      ]),
    });
    expect(result).toEqual({ code: EXIT_OK, out: 'stage.kargo.akuity.io/dev edited', err: '' });
    const shown = seen('label', 0);
    expect(shown).toMatch(/^# Please edit the object below/);
    expect(shown).toContain('kind: Stage');
    expect(shown).toContain(`resourceVersion: "${before.metadata.resourceVersion}"`);
    expect(shown).not.toMatch(/^status:|uid:|creationTimestamp:|generation:/m);
    const after = await stage();
    expect(after.metadata.labels).toMatchObject({ edited: 'yes' });
    expect(after.metadata.uid).toBe(before.metadata.uid);
  });

  it('says so and changes nothing when the file is saved unchanged, or emptied', async () => {
    const before = (await stage()).metadata.resourceVersion;
    expect(await cli(['edit', 'stages', 'dev'], { EDITOR: 'true' })).toEqual({
      code: EXIT_OK,
      out: 'Edit cancelled, no changes made.',
      err: '',
    });
    expect(
      await cli(['edit', 'stage', 'dev'], { GANTRY_EDITOR: editor('empty', ["return '';"]) }),
    ).toEqual({ code: EXIT_OK, out: 'Edit cancelled, saved file was empty.', err: '' });
    expect((await stage()).metadata.resourceVersion).toBe(before);
  });

  it('reopens the file with the error as a comment block until the object is valid', async () => {
    const result = await cli(['edit', 'stage', 'dev'], {
      KUBE_EDITOR: editor('retry', [
        "return text.replace('requestedFreight:', 'requestedFreightz:');",
        "return text.replace(/^(\\s*)requestedFreightz:/m, '$1requestedFreight:').replace(/edited: \\S+/, 'edited: twice');",
      ]),
      EDITOR: 'false',
    });
    expect(result).toEqual({ code: EXIT_OK, out: 'stage.kargo.akuity.io/dev edited', err: '' });
    const reopened = seen('retry', 1);
    expect(reopened).toMatch(
      /^# Please edit[\s\S]*#\n# stage\.kargo\.akuity\.io\/dev was not edited:\n# \* spec\.requestedFreight: required\n# \* spec\.requestedFreightz: unknown field\n#\n/,
    );
    expect(reopened).toContain('requestedFreightz:');
    expect((await stage()).metadata.labels).toMatchObject({ edited: 'twice' });
  });

  it('ends with an error, keeping the file, when an error is followed by a save without changes', async () => {
    const before = (await stage()).metadata.resourceVersion;
    const result = await cli(['edit', 'stage', 'dev'], {
      EDITOR: editor('give-up', [
        "return text.replace('kind: Stage', 'kind: Stage\\nbogus: 1');",
        'return text;',
      ]),
    });
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(
      /^error: edit cancelled, no valid changes were saved \(your changes are in (\S+\.yaml)\): .*bogus/,
    );
    const kept = /your changes are in (\S+\.yaml)\)/.exec(result.err)![1]!;
    expect(readFileSync(kept, 'utf8')).toContain('bogus: 1');
    rmSync(join(kept, '..'), { recursive: true, force: true });
    expect((await stage()).metadata.resourceVersion).toBe(before);
  });

  it('reports a change made meanwhile as a conflict instead of overwriting it', async () => {
    const result = await cli(['edit', 'stage', 'dev'], {
      EDITOR: editor('conflict', [
        // Someone else changes the Stage while the editor is open.
        `const url = process.env.GANTRY_SERVER + '/v1/projects/edits/stages/dev';
const headers = { authorization: 'Bearer ' + process.env.GANTRY_TOKEN, 'content-type': 'application/json' };
const current = await (await fetch(url, { headers })).json();
current.metadata.labels = { ...current.metadata.labels, meanwhile: 'yes' };
const put = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(current) });
if (!put.ok) throw new Error('concurrent change failed: ' + put.status);
return text.replace(/edited: \\S+/, 'edited: thrice');`,
        'return text;',
      ]),
    });
    expect(result.code).toBe(EXIT_FAILURE);
    expect(seen('conflict', 1)).toMatch(/^# \* .*changed since the edit began/m);
    expect(result.err).toMatch(/edit cancelled, no valid changes were saved/);
    const labels = (await stage()).metadata.labels;
    expect(labels).toMatchObject({ edited: 'twice', meanwhile: 'yes' });
    rmSync(join(/your changes are in (\S+\.yaml)\)/.exec(result.err)![1]!, '..'), {
      recursive: true,
      force: true,
    });
  });

  it('refuses what cannot be edited, and an editor that fails changes nothing', async () => {
    expect(await cli(['edit', 'secret', 'creds'])).toMatchObject({
      code: EXIT_FAILURE,
      err: 'error: secrets cannot be edited: the API never sends their values; apply a file with gantry apply -f instead',
    });
    expect((await cli(['edit', 'stagez', 'dev'])).code).toBe(EXIT_USAGE);
    expect(await cli(['edit', 'stage', 'nope'], { EDITOR: 'true' })).toMatchObject({
      code: EXIT_FAILURE,
    });
    const broken = await cli(['edit', 'stage', 'dev'], { EDITOR: 'false' });
    expect(broken.code).toBe(EXIT_FAILURE);
    expect(broken.err).toMatch(
      /^error: the editor "false" exited with code 1; nothing was changed/,
    );
  });
});
