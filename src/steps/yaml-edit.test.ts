import { describe, expect, it } from 'vitest';
import { splitKey, updateYaml } from './yaml-edit.js';

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
      "      tag: '1.2.2' # the version Gantry promotes",
    ],
    [
      'spec.values.deployment.image',
      'ghcr.io/x/y',
      '      image:   "127.0.0.1:5000/acme/frontend"',
      '      image:   "ghcr.io/x/y"',
    ],
    ['spec.values.deployment.plain', '1.2.2', '      plain: 1.2.1', '      plain: 1.2.2'],
    ['spec.values.deployment.plain', '1.3', '      plain: 1.2.1', '      plain: "1.3"'],
    ['spec.replicas', 5, '  replicas: 2', '  replicas: 5'],
    ['spec.list.0.tag', 'y', '      tag: x', '      tag: y'],
    ['metadata.name', "it's", '  name: frontend # keep me', `  name: it's # keep me`],
  ])('sets %s to %j changing only its line', (key, value, before, after) => {
    const updated = updateYaml(instance, [{ key, value }]);
    expect(updated).toBe(instance.replace(before, after));
  });

  it('adds missing keys', () => {
    const updated = updateYaml('a:\n  b: 1\n', [{ key: 'a.c', value: 'new' }]);
    expect(updated).toBe('a:\n  b: 1\n  c: new\n');
  });

  it('splits keys on unescaped dots', () => {
    expect(splitKey('a.b\\.c.0')).toEqual(['a', 'b.c', '0']);
    expect(() => splitKey('a..b')).toThrow('has an empty part');
  });

  it('refuses text that is not YAML', () => {
    expect(() => updateYaml('a: [\n', [{ key: 'a', value: 1 }])).toThrow('not valid YAML');
  });
});
