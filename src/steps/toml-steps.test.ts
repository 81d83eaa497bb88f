import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { parse as parseToml } from 'smol-toml';
import { indexToml, tomlPathKey, updateToml } from './toml-edit.js';
import { tomlParseStep } from './toml-parse.js';
import { tomlUpdateStep } from './toml-update.js';

let harness: StepHarness | undefined;
afterEach(() => {
  harness?.cleanup();
  harness = undefined;
});

function withFiles(files: Record<string, string>): StepHarness {
  harness = createStepHarness();
  for (const [path, text] of Object.entries(files)) {
    const at = join(harness.workDir.root, path);
    mkdirSync(dirname(at), { recursive: true, mode: 0o700 });
    writeFileSync(at, text, { mode: 0o600 });
  }
  return harness;
}

const read = (h: StepHarness, path: string) => readFileSync(join(h.workDir.root, path), 'utf8');

describe("Kargo's documented examples (docs/.../toml-parse.md, toml-update.md)", () => {
  it('toml-parse reads image.tag of the documented config.toml', async () => {
    const h = withFiles({
      'src/config.toml': '[image]\ntag = "v1.2.3"\n\n[rbac]\ninstallClusterRoles = true\n',
    });
    const outcome = await h.run(tomlParseStep, {
      path: './src/config.toml',
      outputs: [{ name: 'imageTag', fromExpression: 'image.tag' }],
    });
    expect(outcome).toMatchObject({ status: 'Succeeded', output: { imageTag: 'v1.2.3' } });
  });

  it('toml-update sets image.tag of settings.toml', async () => {
    const h = withFiles({ 'src/configs/settings.toml': '[image]\ntag = "v1.2.3" # promoted\n' });
    const outcome = await h.run(tomlUpdateStep, {
      path: './src/configs/settings.toml',
      updates: [{ key: 'image.tag', value: 'v1.3.0' }],
    });
    expect(outcome.output?.['commitMessage']).toBe(
      "Updated ./src/configs/settings.toml\n\n- image.tag: 'v1.3.0'",
    );
    expect(read(h, 'src/configs/settings.toml')).toBe("[image]\ntag = 'v1.3.0' # promoted\n");
  });

  it.each([
    ['nested keys', '[package]\nversion = "1.0.0"\n', 'package.version', "version = '2'"],
    [
      'keys with literal dots',
      '[labels]\n"example.com/version" = "1.0.0"\n',
      'labels.example\\.com/version',
      '"example.com/version" = \'2\'',
    ],
    ['sequences', 'values = [1, 2, 3]\n', 'values.1', "values = [1, '2', 3]"],
  ])('writing keys: %s', (_name, text, key, line) => {
    expect(updateToml(text, [{ key, value: '2' }])).toContain(line);
  });
});

describe('toml-update edits', () => {
  it('finds the exact text of every scalar of a varied document', () => {
    const text = [
      '# comment with "quotes" and [brackets] = x',
      'str = "a \\"b\\" \\u00e9 # not a comment"',
      "lit = 'C:\\path # not a comment'",
      'ml = """',
      'x ""quoted"" \\',
      '  y"""',
      "mll = '''a'b''''",
      'int = +1_000',
      'hex = 0xDEAD_beef',
      'flt = -6.626e-34',
      'special = [inf, -inf, nan, +nan]',
      'odt = 1979-05-27T00:32:00.999999-07:00',
      'ldt = 1979-05-27 07:32:00',
      'lt = 00:32:00.5',
      'mixed = [ 1, "two", [3.0, { k = "]" }], ] # trailing',
      '"quoted.key" . bare . \'lit key\' = true',
      '[ table . "sub" ]  # header comment',
      'inline = { a = 1, b = { c = "}" }, d = [1, 2] }',
      '[[aot]]',
      'v = 1',
      '[[aot]]',
      'v = 2',
      '',
    ].join('\n');
    const document = parseToml(text);
    const index = indexToml(text);
    const at = (path: string[]) =>
      path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], document);
    expect(index.scalars.size).toBe(25);
    for (const [key, node] of index.scalars) {
      const path = JSON.parse(key) as string[];
      const alone = parseToml(`v = ${text.slice(node.start, node.end)}`)['v'];
      expect(alone, key).toEqual(at(path));
    }
  });

  it('keeps CRLF line endings and every other byte', () => {
    const text = '# c\r\n[a]\r\nx = "1"\r\ny = 2 # two\r\n';
    expect(updateToml(text, [{ key: 'a.y', value: 3.5 }])).toBe(
      '# c\r\n[a]\r\nx = "1"\r\ny = 3.5 # two\r\n',
    );
  });

  it('indexes a sub-table after an array of tables by its header, as Kargo (not by the last element)', () => {
    const index = indexToml('[[srv]]\nname = "a"\n[srv.cfg]\nport = 1\n');
    expect(index.scalars.has(tomlPathKey(['srv', '0', 'name']))).toBe(true);
    expect(index.scalars.has(tomlPathKey(['srv', 'cfg', 'port']))).toBe(true);
  });

  it('refuses a path that leaves the working directory and writes nothing', async () => {
    const h = withFiles({ 'a.toml': 'a = 1\n' });
    const err = await stepError(
      h.run(tomlUpdateStep, { path: '../a.toml', updates: [{ key: 'a', value: 2 }] }),
    );
    expect(err.message).not.toBe('');
    expect(read(h, 'a.toml')).toBe('a = 1\n');
  });

  it('neither reads nor writes a file outside through a link', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'gantry-toml-outside-'));
    try {
      writeFileSync(join(outside, 'secret.toml'), 'secret = "s"\n', { mode: 0o600 });
      const h = withFiles({});
      symlinkSync(join(outside, 'secret.toml'), join(h.workDir.root, 'link.toml'));
      const update = await stepError(
        h.run(tomlUpdateStep, { path: 'link.toml', updates: [{ key: 'secret', value: 'x' }] }),
      );
      const parse = await stepError(
        h.run(tomlParseStep, {
          path: 'link.toml',
          outputs: [{ name: 's', fromExpression: 'secret' }],
        }),
      );
      expect(update.terminal && parse.terminal).toBe(true);
      expect(readFileSync(join(outside, 'secret.toml'), 'utf8')).toBe('secret = "s"\n');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not TOML, naming the path as configured', async () => {
    const h = withFiles({ 'bad.toml': 'a = \n' });
    const err = await stepError(
      h.run(tomlUpdateStep, { path: 'bad.toml', updates: [{ key: 'a', value: 2 }] }),
    );
    expect(err.message).toContain(
      'TOML file update failed: error updating TOML file "bad.toml": error mutating bytes: error parsing input',
    );
    expect(err.terminal).toBe(true);
  });
});
