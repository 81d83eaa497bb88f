import { describe, expect, it } from 'vitest';
import { splitKey, updateYaml, yamlCommitValue, yamlValueText } from './yaml-edit.js';

const instance = `# The frontend as it runs in develop.
apiVersion: apps.example.com/v1
kind: Instance
metadata:
  name: frontend # keep me
spec:
  replicas: 2
  values:
    deployment:
      image:   "127.0.0.1:5000/acme/frontend"
      tag: '1.2.1' # the version Gantry promotes
      plain: 1.2.1
      notes: |
        line one
        line two
  list:
    - name: a
      tag: x
`;

describe('updateYaml', () => {
  it.each<[string, unknown, string, string]>([
    [
      'spec.values.deployment.tag',
      '1.2.2',
      "      tag: '1.2.1' # the version Gantry promotes",
      '      tag: 1.2.2 # the version Gantry promotes',
    ],
    [
      'spec.values.deployment.image',
      'ghcr.io/x/y',
      '      image:   "127.0.0.1:5000/acme/frontend"',
      '      image:   ghcr.io/x/y',
    ],
    ['spec.values.deployment.plain', '1.2.2', '      plain: 1.2.1', '      plain: 1.2.2'],
    ['spec.values.deployment.plain', '1.3', '      plain: 1.2.1', '      plain: "1.3"'],
    [
      'spec.values.deployment.notes',
      'one line',
      '      notes: |\n        line one\n        line two\n',
      '      notes: one line\n',
    ],
    ['spec.replicas', 5, '  replicas: 2', '  replicas: 5'],
    ['spec.list.0.tag', 'y', '      tag: x', '      tag: y'],
    ['metadata.name', "it's", '  name: frontend # keep me', `  name: it's # keep me`],
  ])('sets %s to %j changing only its value', (key, value, before, after) => {
    const updated = updateYaml(instance, [{ key, value }]);
    expect(updated).toBe(instance.replace(before, after));
  });

  it.each<[string, string]>([
    ['a.c', 'key path not found'],
    ['a', 'key path does not address a scalar node'],
    ['a.b.c', 'key path not found'],
    ['l.x', 'strconv.Atoi: parsing "x": invalid syntax'],
    ['l.5', 'out of range'],
  ])('refuses %s as Kargo', (key, message) => {
    expect(() => updateYaml('a:\n  b: 1\nl: [1]\n', [{ key, value: 1 }])).toThrow(message);
  });

  it('splits keys as Kargo', () => {
    expect(splitKey(' a.b\\.c.:0.d\\:e ')).toEqual(['a', 'b.c', '0', 'd:e']);
    expect(() => splitKey('a..b')).toThrow('empty key part in key "a..b"');
    expect(() => splitKey('a\\b')).toThrow('invalid escape sequence');
    expect(() => splitKey('a:b')).toThrow('unexpected colon');
  });

  it('writes values as Kargo, quoting only what YAML would misread', () => {
    expect(['1e3', 'T', 'null', '"x"', 'v1', 'x: y', ''].map(yamlValueText)).toEqual([
      '"1e3"',
      '"T"',
      '"null"',
      '"\\"x\\""',
      'v1',
      '"x: y"',
      '""',
    ]);
    expect(yamlValueText(1e21)).toBe('1e+21');
    expect(yamlCommitValue('x: y')).toBe('x: y');
  });

  it('refuses text that is not YAML', () => {
    expect(() => updateYaml('a: [\n', [{ key: 'a', value: 1 }])).toThrow(
      'error unmarshaling input',
    );
  });
});
