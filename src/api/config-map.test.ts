import { describe, expect, it } from 'vitest';
import { kindName, resolveKindName } from './kind-names.js';
import { validateManifest } from './validate-manifest.js';

const configMap = (fields: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'demo' },
  ...fields,
});

function issuesOf(document: unknown): string[] {
  const result = validateManifest(document);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('ConfigMap', () => {
  it("is Kubernetes' core ConfigMap, namespaced, with kubectl's names", () => {
    expect(kindName('ConfigMap')).toMatchObject({ plural: 'configmaps', namespaced: true });
    expect(kindName('ConfigMap')?.redacted).toBeUndefined();
    for (const name of ['configmap', 'configmaps', 'cm', 'ConfigMap'])
      expect(resolveKindName(name)?.kind).toBe('ConfigMap');
  });

  it('accepts data, binaryData and immutable as written', () => {
    const document = configMap({
      data: { region: 'eu-west-1', 'app.properties': 'a=1\nb=2\n', KEY_NAME: '' },
      binaryData: { 'logo.png': Buffer.from([0, 1, 2]).toString('base64') },
      immutable: true,
    });
    const result = validateManifest(document);
    expect(result.ok && result.object).toEqual(document);
  });

  it.each([
    ['no namespace', { metadata: { name: 'settings' } }, 'metadata.namespace: required'],
    ['a value that is not a string', { data: { replicas: 3 } }, 'data.replicas: '],
    [
      'a key Kubernetes refuses',
      { data: { 'bad key': 'x' } },
      `data["bad key"]: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    ],
    ['the key ".."', { data: { '..': 'x' } }, `data[".."]: must not be '..'`],
    [
      'binaryData that is not base64',
      { binaryData: { logo: 'not base64!' } },
      'binaryData.logo: must be base64 (put text in data instead)',
    ],
    [
      'a key in data and binaryData',
      { data: { logo: 'x' }, binaryData: { logo: 'eA==' } },
      'binaryData.logo: duplicate of key "logo" in data',
    ],
    [
      'more than 1 MiB',
      { data: { big: 'x'.repeat(1024 * 1024) } },
      'data: 1048579 bytes of data; a ConfigMap holds at most 1048576 (1 MiB, as in Kubernetes)',
    ],
    ['an unknown field', { spec: {} }, 'spec: '],
  ])('refuses %s, naming the field', (_, fields, message) => {
    const document = configMap(fields);
    const issues = issuesOf(document);
    expect(
      issues.some((issue) => issue.startsWith(message)),
      issues.join('\n'),
    ).toBe(true);
  });
});
